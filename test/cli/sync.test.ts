import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { CLI, runCli, type CliResult } from '../helpers/cli.js';
import { commit, git } from '../helpers/git-repo.js';
import { bareRemote, teammate, type Teammate } from '../helpers/team.js';
import { REAL_FIXTURES } from '../fixtures/paths.mjs';

// `lore sync` between teammates: a bare remote and clones, each with its own HOME, LORE_HOME and
// Claude Code transcripts, run through the built CLI as users would (issue 16).

const tmp = (prefix: string): string => realpathSync(mkdtempSync(join(tmpdir(), prefix)));

type User = Teammate;
const user = teammate;

const cli = (u: User, args: string[]): CliResult => runCli(args, { cwd: u.dir, env: u.env, timeoutMs: 120_000 });

function cliAsync(u: User, args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: u.dir, env: { ...process.env, ...u.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ stdout, stderr, code: code ?? -1 }));
  });
}

/**
 * A Claude Code session in which `prompt` asked for `path` and a Write made it, then the commit
 * that carried it (a minute later). Returns the commit's sha.
 */
function aiChange(u: User, sessionId: string, prompt: string, path: string, content: string, date: string): string {
  const at = (ms: number) => new Date(Date.parse(date) - 60_000 + ms).toISOString();
  const base = { isSidechain: false, userType: 'external', cwd: u.dir, sessionId, version: '2.0.64' };
  const lines = [
    { ...base, parentUuid: null, uuid: `${sessionId.slice(0, 8)}-0000-4000-8000-000000000001`, timestamp: at(0), type: 'user', message: { role: 'user', content: prompt } },
    {
      ...base, parentUuid: `${sessionId.slice(0, 8)}-0000-4000-8000-000000000001`, uuid: `${sessionId.slice(0, 8)}-0000-4000-8000-000000000002`, timestamp: at(1000), type: 'assistant',
      message: { id: `msg_${sessionId.slice(0, 8)}`, type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', content: [{ type: 'tool_use', id: `toolu_${sessionId.slice(0, 8)}`, name: 'Write', input: { file_path: join(u.dir, path), content } }] },
    },
  ];
  const slug = u.dir.replaceAll('/', '-');
  mkdirSync(join(u.claudeDir, 'projects', slug), { recursive: true });
  writeFileSync(join(u.claudeDir, 'projects', slug, `${sessionId}.jsonl`), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  return commit(u.dir, { [path]: content }, `add ${path}`, { date });
}

const whyJson = (u: User, file: string) => {
  const r = cli(u, ['why', file, '--json']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as { changes: { sha: string; requests: { text: string; sharedBy?: string; tool: string | null }[] }[] };
};
const requestsOf = (u: User, file: string) => whyJson(u, file).changes.flatMap((c) => c.requests.map((r) => ({ sha: c.sha, text: r.text, sharedBy: r.sharedBy ?? null })));

const syncOk = (u: User, args: string[] = []): CliResult => {
  const r = cli(u, ['sync', ...args]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r;
};

/** Every note on the remote, as text. */
function remoteNotes(bare: string): string {
  const list = git(bare, ['notes', '--ref=lore', 'list']).trim();
  if (!list) return '';
  return list.split('\n').map((l) => git(bare, ['cat-file', 'blob', l.split(' ')[0]!])).join('\n');
}

const SESSION_A = 'a11ce000-0000-4000-8000-000000000001';
const SESSION_B = 'b0b00000-0000-4000-8000-000000000002';

describe('lore sync', () => {
  it("shows a teammate's requests in lore why after a sync, marked with who shared them", { timeout: 120_000 }, () => {
    const bare = bareRemote();
    const alice = user('alice', bare);
    const bob = user('bob', bare);
    const sha = aiChange(alice, SESSION_A, 'Add a greet function in src/greet.ts that says hello', 'src/greet.ts', 'export const greet = () => "hello";\n', '2026-03-01T10:00:00Z');
    git(alice.dir, ['push', '-q', 'origin', 'main']);
    expect(requestsOf(alice, 'src/greet.ts')).toEqual([{ sha, text: 'Add a greet function in src/greet.ts that says hello', sharedBy: null }]);

    // A remote without notes: the first sync creates them.
    const first = syncOk(alice);
    expect(first.stdout).toContain('shared as alice@example.com: 1 request link');
    expect(first.stdout).toContain('pushed refs/notes/lore to origin');
    const note = JSON.parse(git(bare, ['notes', '--ref=lore', 'show', sha]));
    expect(note.schema).toBe('lore.note/1');
    expect(note.requests).toEqual([
      expect.objectContaining({ path: 'src/greet.ts', text: 'Add a greet function in src/greet.ts that says hello', tool: 'claude-code', session: 'a11ce000', by: 'alice@example.com', evidence: expect.any(String), confidence: expect.any(Number) }),
    ]);
    // Nothing of the session's id itself travels: only a hash of it.
    expect(JSON.stringify(note)).not.toContain(SESSION_A);

    git(bob.dir, ['pull', '-q', 'origin', 'main']);
    expect(requestsOf(bob, 'src/greet.ts')).toEqual([]);
    const bobSync = syncOk(bob);
    expect(bobSync.stdout).toContain('from teammates: 1 new entry (shared by alice@example.com)');
    expect(requestsOf(bob, 'src/greet.ts')).toEqual([{ sha, text: 'Add a greet function in src/greet.ts that says hello', sharedBy: 'alice@example.com' }]);
    const text = cli(bob, ['why', 'src/greet.ts']).stdout;
    expect(text).toMatch(/← "Add a greet function in src\/greet.ts that says hello" {2}claude-code session [0-9a-f]{8}, 2026-03-01, shared by alice@example.com/);

    // A second sync changes nothing and imports nothing twice.
    const again = syncOk(bob);
    expect(again.stdout).toContain('nothing new from teammates');
    expect(again.stdout).toContain('origin already had everything');
    expect(requestsOf(bob, 'src/greet.ts')).toHaveLength(1);
    // Alice does not import her own entries back.
    expect(syncOk(alice).stdout).toContain('nothing new from teammates');
    expect(requestsOf(alice, 'src/greet.ts')).toEqual([{ sha, text: 'Add a greet function in src/greet.ts that says hello', sharedBy: null }]);
  });

  it('merges concurrent syncs of two clones without losing either side', { timeout: 180_000 }, async () => {
    const bare = bareRemote();
    const alice = user('alice', bare);
    const bob = user('bob', bare);
    const carol = user('carol', bare);
    const a = aiChange(alice, SESSION_A, 'Create src/a.ts exporting the answer', 'src/a.ts', 'export const answer = 42;\n', '2026-03-01T10:00:00Z');
    git(alice.dir, ['push', '-q', 'origin', 'main']);
    git(bob.dir, ['pull', '-q', 'origin', 'main']);
    const b = aiChange(bob, SESSION_B, 'Create src/b.ts exporting the question', 'src/b.ts', 'export const question = "?";\n', '2026-03-02T10:00:00Z');
    git(bob.dir, ['push', '-q', 'origin', 'main']);
    git(alice.dir, ['pull', '-q', 'origin', 'main']);
    git(carol.dir, ['pull', '-q', 'origin', 'main']);
    // Both index first, so the two syncs below meet at the remote rather than in indexing.
    cli(alice, ['index', '--wait']);
    cli(bob, ['index', '--wait']);

    const [ra, rb] = await Promise.all([cliAsync(alice, ['sync', '--json']), cliAsync(bob, ['sync', '--json'])]);
    expect([ra.code, rb.code, ra.stderr, rb.stderr]).toEqual([0, 0, '', '']);
    const notes = remoteNotes(bare);
    expect(notes).toContain('Create src/a.ts exporting the answer');
    expect(notes).toContain('Create src/b.ts exporting the question');
    // Every note on the remote is valid JSON.
    for (const l of git(bare, ['notes', '--ref=lore', 'list']).trim().split('\n')) expect(() => JSON.parse(git(bare, ['cat-file', 'blob', l.split(' ')[0]!]))).not.toThrow();

    syncOk(alice);
    syncOk(bob);
    syncOk(carol);
    expect(requestsOf(alice, 'src/b.ts')).toEqual([{ sha: b, text: 'Create src/b.ts exporting the question', sharedBy: 'bob@example.com' }]);
    expect(requestsOf(bob, 'src/a.ts')).toEqual([{ sha: a, text: 'Create src/a.ts exporting the answer', sharedBy: 'alice@example.com' }]);
    expect(requestsOf(carol, 'src/a.ts')).toEqual([{ sha: a, text: 'Create src/a.ts exporting the answer', sharedBy: 'alice@example.com' }]);
    expect(requestsOf(carol, 'src/b.ts')).toEqual([{ sha: b, text: 'Create src/b.ts exporting the question', sharedBy: 'bob@example.com' }]);
  });

  it('fetches, merges and pushes again when someone pushed between its fetch and its push', { timeout: 120_000 }, () => {
    const bare = bareRemote();
    const [alice, bob, carol] = ['alice', 'bob', 'carol'].map((n) => user(n, bare)) as [User, User, User];
    aiChange(bob, SESSION_B, 'Create src/b.ts exporting the question', 'src/b.ts', 'export const question = "?";\n', '2026-03-01T10:00:00Z');
    syncOk(bob);
    const n1 = git(bare, ['rev-parse', 'refs/notes/lore']).trim();
    aiChange(carol, 'ca201000-0000-4000-8000-000000000003', 'Create src/c.ts exporting nothing', 'src/c.ts', 'export {};\n', '2026-03-01T11:00:00Z');
    syncOk(carol);
    // Carol's notes are held back, and land on the remote during Alice's push (a pre-receive
    // hook moves the ref once, as a teammate's push would): her push is then rejected.
    git(bare, ['update-ref', 'refs/hidden/carol', 'refs/notes/lore']);
    git(bare, ['update-ref', 'refs/notes/lore', n1]);
    writeFileSync(
      join(bare, 'hooks', 'pre-receive'),
      `#!/bin/sh\ncat >/dev/null\nif [ ! -e "$GIT_DIR/raced" ]; then touch "$GIT_DIR/raced"; env -u GIT_QUARANTINE_PATH git update-ref refs/notes/lore refs/hidden/carol; fi\nexit 0\n`,
      { mode: 0o755 },
    );
    aiChange(alice, SESSION_A, 'Create src/a.ts exporting the answer', 'src/a.ts', 'export const answer = 42;\n', '2026-03-01T12:00:00Z');
    const r = JSON.parse(syncOk(alice, ['--json']).stdout);
    expect(r.pushed).toBe(true);
    expect(r.retries).toBe(1);
    const notes = remoteNotes(bare);
    for (const text of ['Create src/a.ts exporting the answer', 'Create src/b.ts exporting the question', 'Create src/c.ts exporting nothing']) expect(notes).toContain(text);
  });

  it('carries requests across a rebase on one side', { timeout: 120_000 }, () => {
    const bare = bareRemote();
    const alice = user('alice', bare);
    const bob = user('bob', bare);
    aiChange(alice, SESSION_A, 'Create src/a.ts exporting the answer', 'src/a.ts', 'export const answer = 42;\n', '2026-03-01T10:00:00Z');
    syncOk(alice); // notes for a commit nobody else has yet
    commit(bob.dir, { 'docs/b.md': 'b\n' }, 'docs by bob', { date: '2026-03-01T11:00:00Z' });
    git(bob.dir, ['push', '-q', 'origin', 'main']);
    git(alice.dir, ['pull', '-q', '--rebase', 'origin', 'main']);
    const rebased = git(alice.dir, ['log', '-1', '--format=%H', '--', 'src/a.ts']).trim();
    git(alice.dir, ['push', '-q', 'origin', 'main']);
    syncOk(alice);
    git(bob.dir, ['pull', '-q', 'origin', 'main']);
    syncOk(bob);
    expect(requestsOf(bob, 'src/a.ts')).toEqual([{ sha: rebased, text: 'Create src/a.ts exporting the answer', sharedBy: 'alice@example.com' }]);
  });

  it('never brings back a forgotten session, and takes it away from teammates', { timeout: 180_000 }, () => {
    const bare = bareRemote();
    const alice = user('alice', bare);
    const bob = user('bob', bare);
    aiChange(alice, SESSION_A, 'Create src/a.ts with the launch codes', 'src/a.ts', 'export const codes = [];\n', '2026-03-01T10:00:00Z');
    git(alice.dir, ['push', '-q', 'origin', 'main']);
    syncOk(alice);
    git(bob.dir, ['pull', '-q', 'origin', 'main']);
    syncOk(bob);
    expect(requestsOf(bob, 'src/a.ts')).toHaveLength(1);

    expect(cli(alice, ['forget', 'a11ce000']).code).toBe(0);
    // Bob has not synced since: his clone still has the entry in its notes, and pushes it.
    syncOk(bob);
    cli(bob, ['index', '--wait']); // embeds the imported request, as lore watch would
    const sharedVectors = (): unknown => {
      const d = new Database(join(bob.env.LORE_HOME!, 'lore.db'), { readonly: true });
      const n = d.prepare(`SELECT count(*) AS n FROM vector_items WHERE ref LIKE 'shared:%'`).get();
      d.close();
      return n;
    };
    expect(sharedVectors()).toEqual({ n: 1 });
    const r = syncOk(alice);
    expect(r.stdout).not.toContain('new entr');
    expect(requestsOf(alice, 'src/a.ts')).toEqual([]);
    expect(remoteNotes(bare)).not.toContain('launch codes');
    syncOk(bob);
    expect(requestsOf(bob, 'src/a.ts')).toEqual([]);
    expect(JSON.parse(cli(bob, ['search', 'launch codes', '--json']).stdout).hits).toEqual([]);
    // Gone as a forgotten session goes: no row, vector or search entry of it is left behind.
    expect(sharedVectors()).toEqual({ n: 0 });
    const bobDb = new Database(join(bob.env.LORE_HOME!, 'lore.db'), { readonly: true });
    expect(bobDb.prepare(`SELECT count(*) AS n FROM messages_fts WHERE messages_fts MATCH 'launch'`).get()).toEqual({ n: 0 });
    bobDb.close();
    // Bob's next syncs and Alice's keep it gone.
    syncOk(bob);
    syncOk(alice);
    expect(requestsOf(alice, 'src/a.ts')).toEqual([]);
    expect(remoteNotes(bare)).not.toContain('launch codes');
  });

  it("keeps a secret planted in a teammate's database from travelling", { timeout: 120_000 }, () => {
    const bare = bareRemote();
    const alice = user('alice', bare);
    const bob = user('bob', bare);
    aiChange(alice, SESSION_A, 'Create src/a.ts exporting the answer', 'src/a.ts', 'export const answer = 42;\n', '2026-03-01T10:00:00Z');
    git(alice.dir, ['push', '-q', 'origin', 'main']);
    cli(alice, ['index', '--wait']);
    // As an older lore (or a hand edit) could have left it: a token in a stored prompt.
    const secret = 'ghp_' + 'R4nd0mT0k3nV4lu3F0rT3st1ngS3cr3tX9z8';
    const db = new Database(join(alice.env.LORE_HOME!, 'lore.db'));
    db.prepare(`UPDATE messages SET content = content || ? WHERE role = 'user' AND content LIKE 'Create src/a.ts%'`).run(` (use token ${secret})`);
    db.close();
    syncOk(alice);
    expect(remoteNotes(bare)).toContain('Create src/a.ts exporting the answer');
    expect(remoteNotes(bare)).not.toContain(secret.slice(-12));
    git(bob.dir, ['pull', '-q', 'origin', 'main']);
    syncOk(bob);
    expect(requestsOf(bob, 'src/a.ts')[0]?.text).toMatch(/^Create src\/a.ts exporting the answer \(use token .*\)$/);
    expect(readFileSync(join(bob.env.LORE_HOME!, 'lore.db')).includes(secret.slice(-12))).toBe(false);
  });

  it('leaves everything as it was when the remote cannot be reached', { timeout: 120_000 }, () => {
    const bare = bareRemote();
    const alice = user('alice', bare);
    aiChange(alice, SESSION_A, 'Create src/a.ts exporting the answer', 'src/a.ts', 'export const answer = 42;\n', '2026-03-01T10:00:00Z');
    syncOk(alice);
    const before = git(alice.dir, ['for-each-ref', 'refs/notes']);
    const missing = join(tmp('lore-sync-gone-'), 'nowhere.git');
    const r = cli(alice, ['sync', missing]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')[0]).toMatch(/^lore: cannot reach the remote .*nowhere\.git: /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(git(alice.dir, ['for-each-ref', 'refs/notes'])).toBe(before);
    const unknown = cli(alice, ['sync', 'upstream']);
    expect(unknown.code).toBe(2);
    expect(git(alice.dir, ['for-each-ref', 'refs/notes'])).toBe(before);
  });

  it('prints what would be shared with --dry-run and changes nothing', { timeout: 120_000 }, () => {
    const bare = bareRemote();
    const alice = user('alice', bare);
    aiChange(alice, SESSION_A, 'Create src/a.ts exporting the answer', 'src/a.ts', 'export const answer = 42;\n', '2026-03-01T10:00:00Z');
    // A private session's request is never shared, though its commit is Alice's too.
    aiChange(alice, 'fee10000-0000-4000-8000-000000000004', 'lore:private Create src/p.ts with the salary table', 'src/p.ts', 'export const salaries = {};\n', '2026-03-01T11:00:00Z');
    const r = syncOk(alice, ['--dry-run']);
    expect(r.stdout).not.toContain('salary');
    expect(r.stdout).not.toContain('src/p.ts');
    expect(r.stdout).toContain('would share as alice@example.com: 1 request link, 0 decisions, 0 learnings on 1 commit');
    expect(r.stdout).toContain('src/a.ts ← "Create src/a.ts exporting the answer"  claude-code session a11ce000');
    expect(git(alice.dir, ['for-each-ref', 'refs/notes'])).toBe('');
    expect(git(bare, ['for-each-ref', 'refs/notes'])).toBe('');
  });

  it('sets up plain git fetch/push and notes.rewriteRef only with --install', { timeout: 120_000 }, () => {
    const bare = bareRemote();
    const alice = user('alice', bare);
    const bob = user('bob', bare);
    aiChange(alice, SESSION_A, 'Create src/a.ts exporting the answer', 'src/a.ts', 'export const answer = 42;\n', '2026-03-01T10:00:00Z');
    syncOk(alice);
    expect(git(alice.dir, ['config', '--get-all', 'remote.origin.fetch'])).toBe('+refs/heads/*:refs/remotes/origin/*\n');
    const r = syncOk(alice, ['--install']);
    expect(r.stdout).toContain('git config remote.origin.fetch +refs/notes/lore:refs/notes/lore-remote/origin');
    expect(git(alice.dir, ['config', '--get-all', 'remote.origin.push'])).toBe('HEAD\nrefs/notes/lore:refs/notes/lore\n');
    expect(git(alice.dir, ['config', 'notes.rewriteRef']).trim()).toBe('refs/notes/lore');
    expect(syncOk(alice, ['--install']).stdout).toContain('already set up');
    // A plain push carries the branch and the notes; an amend keeps the note on the new commit.
    git(alice.dir, ['commit', '-q', '--amend', '-m', 'add src/a.ts (amended)']);
    git(alice.dir, ['push', '-q', 'origin']);
    const head = git(alice.dir, ['rev-parse', 'HEAD']).trim();
    expect(git(bare, ['rev-parse', 'main']).trim()).toBe(head);
    git(alice.dir, ['push', '-q', 'origin']);
    syncOk(alice);
    expect(JSON.parse(git(bare, ['notes', '--ref=lore', 'show', head])).requests[0].text).toBe('Create src/a.ts exporting the answer');
    // Bob's plain fetch brings the notes to his tracking ref once he installs too.
    syncOk(bob, ['--install']);
    git(bob.dir, ['fetch', '-q', 'origin']);
    expect(git(bob.dir, ['notes', '--ref=lore-remote/origin', 'show', head])).toContain('Create src/a.ts exporting the answer');
  });

  it("shows git-ai's authorship log (refs/notes/ai) of a commit in lore why", { timeout: 120_000 }, () => {
    const bare = bareRemote();
    const alice = user('alice', bare);
    const lines = Array.from({ length: 350 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';
    const sha = commit(alice.dir, { '.github/workflows/release.yml': lines }, 'release workflow', { date: '2026-03-01T10:00:00Z' });
    // The log git-ai wrote on its own repository, attached as git-ai attaches it.
    git(alice.dir, ['notes', '--ref=ai', 'add', '-F', join(REAL_FIXTURES, 'git-ai', 'note-000841e6607a4289f39ac3aa57f964c8418ebc4d.txt'), sha]);
    const r = JSON.parse(syncOk(alice, ['--json']).stdout);
    expect(r.provenance).toEqual({ gitAi: 1, entire: 0, agentTrace: 0, skipped: 0 });
    const change = whyJson(alice, '.github/workflows/release.yml').changes[0] as unknown as { sha: string; provenance: unknown[] };
    expect(change.sha).toBe(sha);
    expect(change.provenance).toEqual([
      { source: 'git-ai', tool: 'claude', model: 'claude-opus-4-5-20251101', conversation: '4f32d4d1-91e9-4da6-a608-57c5b826f8f9', human: expect.any(String), lines: 8, ranges: '340-347' },
      { source: 'git-ai', tool: 'claude', model: 'claude-opus-4-5-20251101', conversation: '9279810e-3d8b-4f0a-8444-0a82624fd8eb', human: 'Sasha Varlamov <sasha@sashavarlamov.com>', lines: 3, ranges: '36,246,251' },
    ]);
    expect(cli(alice, ['why', '.github/workflows/release.yml']).stdout).toContain('git-ai: claude (claude-opus-4-5-20251101) wrote 3 lines (36,246,251), conversation 9279810e');
    // Read once: a second sync does not read the same log again.
    expect(JSON.parse(syncOk(alice, ['--json']).stdout).provenance).toEqual({ gitAi: 0, entire: 0, agentTrace: 0, skipped: 0 });
  });

  it("carries the AI-written line counts to a teammate's lore why, and replaces a count that changed", { timeout: 120_000 }, () => {
    const bare = bareRemote();
    const alice = user('alice', bare);
    const bob = user('bob', bare);
    const sha = aiChange(alice, SESSION_A, 'Create src/a.ts with two constants', 'src/a.ts', 'export const a = 1;\nexport const b = 2;\n', '2026-03-01T10:00:00Z');
    git(alice.dir, ['push', '-q', 'origin', 'main']);
    expect(JSON.parse(syncOk(alice, ['--json']).stdout).shared).toMatchObject({ requests: 1, aiLines: 1 });
    const note = JSON.parse(git(bare, ['notes', '--ref=lore', 'show', sha]));
    expect(note.schema).toBe('lore.note/1');
    expect(note.aiLines).toEqual([{ path: 'src/a.ts', tool: 'claude-code', lines: 2, by: 'alice@example.com' }]);

    git(bob.dir, ['pull', '-q', 'origin', 'main']);
    expect(syncOk(bob).stdout).toContain('from teammates: 1 new entry (shared by alice@example.com), 1 AI-line count');
    const change = (whyJson(bob, 'src/a.ts') as unknown as { origin: { sha: string; aiLines: unknown } }).origin;
    expect(change).toMatchObject({ sha, aiLines: { lines: 2, byTool: { 'claude-code': 2 }, sharedBy: ['alice@example.com'] } });
    expect(cli(bob, ['why', 'src/a.ts']).stdout).toContain('AI 2/2 lines (claude-code), counted by alice@example.com');
    expect(syncOk(bob).stdout).toContain('nothing new from teammates');

    // Alice forgets the session: her count goes, from her notes and from Bob's lore why.
    expect(cli(alice, ['forget', `claude-code:${SESSION_A}`]).code).toBe(0);
    syncOk(alice);
    expect(JSON.parse(git(bare, ['notes', '--ref=lore', 'show', sha])).aiLines ?? []).toEqual([]);
    syncOk(bob);
    expect((whyJson(bob, 'src/a.ts') as unknown as { origin: { aiLines: unknown } }).origin.aiLines).toBeNull();
  });

  it('reads a note an older lore wrote, and keeps what a newer lore added that it does not know', { timeout: 120_000 }, () => {
    const bare = bareRemote();
    const alice = user('alice', bare);
    const sha = git(alice.dir, ['rev-parse', 'HEAD']).trim();
    // An older lore's note (no aiLines), and a newer lore's list this one does not know.
    const older = { schema: 'lore.note/1', requests: [{ by: 'old@example.com', confidence: 0.9, evidence: 'edit-text', key: '0123456789abcdef', path: 'README.md', session: '01234567', text: 'Write the README', time: '2026-02-01T10:00:00.000Z', tool: 'claude-code' }], decisions: [], learnings: [], forgotten: [], reviews: [{ by: 'new@example.com', verdict: 'ok' }] };
    git(alice.dir, ['notes', '--ref=lore', 'add', '-m', JSON.stringify(older), sha]);
    git(alice.dir, ['push', '-q', 'origin', 'refs/notes/lore']);
    git(alice.dir, ['update-ref', '-d', 'refs/notes/lore']);
    aiChange(alice, SESSION_A, 'Create src/a.ts exporting the answer', 'src/a.ts', 'export const answer = 42;\n', '2026-03-01T10:00:00Z');
    git(alice.dir, ['push', '-q', 'origin', 'main']);
    expect(syncOk(alice).stdout).toContain('from teammates: 1 new entry (shared by old@example.com)');
    expect(requestsOf(alice, 'README.md')).toEqual([{ sha, text: 'Write the README', sharedBy: 'old@example.com' }]);
    const merged = JSON.parse(git(bare, ['notes', '--ref=lore', 'show', sha]));
    expect(merged.reviews).toEqual([{ by: 'new@example.com', verdict: 'ok' }]);
    expect(merged.requests).toHaveLength(1);
  });
});
