import { cpSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../helpers/cli.js';
import { commit, git, gitRepo } from '../helpers/git-repo.js';
import { isolatedEnv } from '../helpers/isolate-env.js';
import { REAL_FIXTURES } from '../fixtures/paths.mjs';

// Entire's provenance as a teammate's fresh clone sees it: commits whose messages carry
// `Entire-Checkpoint` trailers, and the checkpoints on origin's entire/checkpoints/v1 branch
// (real ones, from entireio/cli's own repository; see test/fixtures/real/entire/SOURCES.md).

const ENTIRE = join(REAL_FIXTURES, 'entire');
const message = (sha: string): string => readFileSync(join(ENTIRE, 'commits', `${sha}.txt`), 'utf8');
const WORKFLOW_SESSIONS = ['0', '1', '2', '3', '4'].filter((i) => readFileSync(join(ENTIRE, 'checkpoints/76/74489fb0a9', i, 'metadata.json'), 'utf8').includes('manual_commit_workflow_test.go')).length;
const SECRET = 'ghp_' + 'R4nd0mT0k3nV4lu3F0rT3st1ngS3cr3tX9z8';

interface Change { file: string; message: string }

/** The upstream repository: the real commits' messages over small changes, and the checkpoints branch. */
function upstream(extra: (dir: string) => void = () => undefined): { dir: string; shas: Record<string, string> } {
  const dir = gitRepo({ 'README.md': '# cli\n' });
  const changes: Record<string, Change> = {
    '1274eaa17eb8': { file: 'cmd/entire/cli/checkpoint/committed.go', message: message('50e80758e3144667e7605c2e6fc9c795a436f235') },
    fcea11a4ec9d: { file: 'cmd/entire/cli/checkpoint/committed.go', message: message('f6242e26622c70dfe20de780c905322f951cdc89') },
    '00c9e2351016': { file: 'cmd/entire/cli/reset.go', message: message('761c5889eb9cb15594cf1a103fa54fb123cccc40') },
    '7674489fb0a9': { file: 'cmd/entire/cli/integration_test/manual_commit_workflow_test.go', message: message('d4de10e7138383a0d5a666cb9aeb3efd9a762af7') },
    // Hand-made: a prompt with a secret in it, a damaged checkpoint, a checkpoint never pushed.
    abcdef123456: { file: 'src/secret.go', message: 'add the client\n\nEntire-Checkpoint: abcdef123456\n' },
    bad0bad0bad0: { file: 'src/damaged.go', message: 'damaged checkpoint\n\nEntire-Checkpoint: bad0bad0bad0\n' },
    '0123456789ab': { file: 'src/unpushed.go', message: 'not on the branch\n\nEntire-Checkpoint: 0123456789ab\n' },
  };
  const shas: Record<string, string> = {};
  let n = 0;
  for (const [id, c] of Object.entries(changes)) shas[id] = commit(dir, { [c.file]: `package cli\n\n// change ${++n}\nfunc f${n}() {}\n` }, c.message);
  git(dir, ['checkout', '-q', '--orphan', 'entire/checkpoints/v1']);
  git(dir, ['rm', '-rfq', '.']);
  cpSync(join(ENTIRE, 'checkpoints'), dir, { recursive: true });
  const handMade = (folder: string, summary: string, session: string, prompt: string): void => {
    mkdirSync(join(dir, folder, '0'), { recursive: true });
    writeFileSync(join(dir, folder, 'metadata.json'), summary);
    writeFileSync(join(dir, folder, '0', 'metadata.json'), session);
    writeFileSync(join(dir, folder, '0', 'prompt.txt'), prompt);
  };
  handMade('ab/cdef123456', JSON.stringify({ checkpoint_id: 'abcdef123456', sessions: [{ metadata: '/ab/cdef123456/0/metadata.json' }] }),
    JSON.stringify({ checkpoint_id: 'abcdef123456', session_id: 's-1', agent: 'Claude Code', files_touched: ['src/secret.go'] }),
    `Call the API with token ${SECRET} and add a client`);
  handMade('ba/d0bad0bad0', '{"checkpoint_id": "bad0bad0bad0", "sessions": [', '{}', '');
  extra(dir);
  git(dir, ['add', '-A']);
  git(dir, ['commit', '-q', '--no-verify', '-m', 'Checkpoint: several']);
  git(dir, ['checkout', '-q', 'main']);
  return { dir, shas };
}

function clone(from: string): { dir: string; env: Record<string, string> } {
  const home = realpathSync(mkdtempSync(join(tmpdir(), 'lore-entire-')));
  const dir = join(home, 'cli');
  git(home, ['clone', '-q', from, dir]);
  return { dir, env: isolatedEnv(home) };
}

const ok = (r: CliResult): CliResult => {
  expect(r.stderr).not.toMatch(/Error|at .*\.js:\d+/);
  expect(r.code).toBe(0);
  return r;
};

describe("Entire's checkpoints", () => {
  it('shows a fresh clone the checkpoint behind each change, from origin/entire/checkpoints/v1', { timeout: 120_000 }, () => {
    const up = upstream();
    const me = clone(up.dir);
    const cli = (args: string[]): CliResult => runCli(args, { cwd: me.dir, env: me.env, timeoutMs: 120_000 });
    // No local branch: Entire has not run in this clone; origin's branch is read as it is.
    expect(git(me.dir, ['branch', '--list', 'entire/*'])).toBe('');
    const init = JSON.parse(ok(cli(['init', '--no-hooks', '--json'])).stdout);
    // Five commits' checkpoints read; the damaged one is skipped and counted, the unpushed one waits.
    expect(init.provenance).toEqual({ gitAi: 0, entire: 5, agentTrace: 0, skipped: 1 });

    const why = JSON.parse(ok(cli(['why', 'cmd/entire/cli/checkpoint/committed.go', '--json'])).stdout);
    const bySha = new Map((why.changes as { sha: string; provenance?: unknown[] }[]).concat(why.origin ? [why.origin] : []).map((c) => [c.sha, c.provenance]));
    expect(bySha.get(up.shas.fcea11a4ec9d!)).toEqual([{
      source: 'entire', tool: 'Claude Code', model: null, conversation: '76d407bd-2561-45ef-8cbb-2dc1f9be9bbe', human: null, lines: null, ranges: null,
      record: 'fcea11a4ec9d', prompt: expect.stringMatching(/^Address PR review feedback by handling potential errors in findSessionIndex/),
      commitLines: { agent: 9, total: 9 },
    }]);
    expect(bySha.get(up.shas['1274eaa17eb8']!)).toEqual([expect.objectContaining({ record: '1274eaa17eb8', conversation: '4de02c81-2bd4-4ea2-9370-f1f32de9248e', commitLines: { agent: 218, total: 220 } })]);
    const text = ok(cli(['why', 'cmd/entire/cli/checkpoint/committed.go'])).stdout;
    expect(text).toContain('entire recorded 2 changes');
    expect(text).toContain("entire: Claude Code wrote 9 of the commit's 9 added lines, session 76d407bd, checkpoint fcea11a4ec9d");
    expect(text).toContain('← "Address PR review feedback by handling potential errors in findSessionIndex');
    // The summary's learnings: the code finding on its file, the repo and workflow ones on none.
    expect(text).toMatch(/\[code\] findSessionIndex performs best-effort session deduplication .*Entire checkpoint fcea11a4ec9d/);
    const all = JSON.parse(ok(cli(['learnings', '--json'])).stdout).learnings as { category: string; content: string; files: string[]; source: string; checkpoint?: string }[];
    expect(all.filter((l) => l.source === 'entire').map((l) => [l.category, l.files, l.checkpoint])).toEqual(expect.arrayContaining([
      ['code', ['cmd/entire/cli/checkpoint/committed.go'], 'fcea11a4ec9d'], ['repo', [], 'fcea11a4ec9d'], ['repo', [], 'fcea11a4ec9d'], ['workflow', [], 'fcea11a4ec9d'], ['workflow', [], 'fcea11a4ec9d'],
    ]));
    expect(all.filter((l) => l.source === 'entire')).toHaveLength(5);

    // The commit that last changed a line: its checkpoint too.
    const line = JSON.parse(ok(cli(['why', 'cmd/entire/cli/checkpoint/committed.go:3', '--json'])).stdout);
    expect(line.blamed.sha).toBe(up.shas.fcea11a4ec9d);
    expect(line.blamed.provenance).toEqual([expect.objectContaining({ record: 'fcea11a4ec9d' })]);

    // The migrated checkpoint's sessions in folders 0, 2 and 3; the doubled paths' five sessions.
    const reset = JSON.parse(ok(cli(['why', 'cmd/entire/cli/reset.go', '--json'])).stdout);
    const resetRows = [...(reset.changes ?? []), reset.origin].find((c: { sha: string }) => c?.sha === up.shas['00c9e2351016']).provenance as { conversation: string }[];
    expect(resetRows.map((p) => p.conversation).sort()).toEqual(
      ['0', '2', '3'].map((i) => (JSON.parse(readFileSync(join(ENTIRE, 'checkpoints/00/c9e2351016', i, 'metadata.json'), 'utf8')) as { session_id: string }).session_id).sort(),
    );
    const workflow = JSON.parse(ok(cli(['why', 'cmd/entire/cli/integration_test/manual_commit_workflow_test.go', '--json'])).stdout);
    const workflowRows = [...(workflow.changes ?? []), workflow.origin].find((c: { sha: string }) => c?.sha === up.shas['7674489fb0a9']).provenance as { record: string }[];
    // Of the five sessions, those whose files_touched name the file (two of them).
    expect(WORKFLOW_SESSIONS).toBe(2);
    expect(workflowRows.map((p) => p.record)).toEqual(Array(WORKFLOW_SESSIONS).fill('7674489fb0a9'));

    // The secret in a prompt never reaches the database.
    const secretWhy = ok(cli(['why', 'src/secret.go'])).stdout;
    expect(secretWhy).toContain('entire: Claude Code, session s-1, checkpoint abcdef123456');
    expect(secretWhy).not.toContain(SECRET);
    const db = new Database(join(me.env.LORE_HOME!, 'lore.db'), { readonly: true });
    const prompts = (db.prepare(`SELECT prompt FROM commit_provenance WHERE source = 'entire'`).all() as { prompt: string | null }[]).map((r) => r.prompt ?? '');
    db.close();
    expect(prompts.some((p) => p.includes('Call the API with token'))).toBe(true);
    expect(prompts.some((p) => p.includes(SECRET))).toBe(false);

    // Read once: nothing new on the next run, until a checkpoint changes (Entire adds a summary).
    expect(JSON.parse(ok(cli(['index', '--json'])).stdout).provenance).toEqual({ gitAi: 0, entire: 0, agentTrace: 0, skipped: 1 });
    git(up.dir, ['checkout', '-q', 'entire/checkpoints/v1']);
    const meta = join(up.dir, '12/74eaa17eb8/0/metadata.json');
    const learned = {
      code: [
        { path: 'cmd/entire/cli/checkpoint/committed.go', line: 3, end_line: 4, finding: `The author comes from the repository config, never the token ${SECRET}` },
        { path: 'cmd/entire/cli/elsewhere.go', finding: 'A path this commit does not have' },
        // Named from the package's folder: the one file of the commit whose path ends with it.
        { path: 'checkpoint/committed.go', finding: 'Written from the package folder' },
      ],
      repo: ['Checkpoint commits are written with go-git'],
    };
    const original = JSON.parse(readFileSync(meta, 'utf8')) as Record<string, unknown>;
    writeFileSync(meta, JSON.stringify({ ...original, summary: { intent: 'Make checkpoint commits carry the real git author', learnings: learned } }));
    git(up.dir, ['commit', '-q', '-am', 'Checkpoint: 1274eaa17eb8 summary']);
    git(up.dir, ['checkout', '-q', 'main']);
    git(me.dir, ['fetch', '-q', 'origin']);
    expect(JSON.parse(ok(cli(['index', '--json'])).stdout).provenance).toEqual({ gitAi: 0, entire: 1, agentTrace: 0, skipped: 1 });
    expect(ok(cli(['why', 'cmd/entire/cli/checkpoint/committed.go'])).stdout).toContain('← "Make checkpoint commits carry the real git author"');
    const fileLearnings = (JSON.parse(ok(cli(['learnings', 'cmd/entire/cli/checkpoint/committed.go', '--json'])).stdout).learnings as { content: string; checkpoint?: string }[]);
    expect(fileLearnings.map((l) => l.checkpoint).sort()).toEqual(['1274eaa17eb8', '1274eaa17eb8', 'fcea11a4ec9d']);
    expect(fileLearnings.filter((l) => l.checkpoint === '1274eaa17eb8').map((l) => l.content.slice(0, 24)).sort()).toEqual(['The author comes from th', 'Written from the package']);
    const byCheckpoint = () => (JSON.parse(ok(cli(['learnings', '--json'])).stdout).learnings as { content: string; files: string[]; checkpoint?: string }[]).filter((l) => l.checkpoint === '1274eaa17eb8');
    expect(byCheckpoint().map((l) => [l.content.slice(0, 24), l.files]).sort()).toEqual([
      ['A path this commit does ', []], ['Checkpoint commits are w', []], ['The author comes from th', ['cmd/entire/cli/checkpoint/committed.go']],
      ['Written from the package', ['cmd/entire/cli/checkpoint/committed.go']],
    ]);
    const db2 = new Database(join(me.env.LORE_HOME!, 'lore.db'), { readonly: true });
    expect((db2.prepare(`SELECT count(*) AS n FROM learnings WHERE instr(content, ?) > 0`).get(SECRET) as { n: number }).n).toBe(0);
    db2.close();
    // Entire rewrites the summary without them: they go.
    git(up.dir, ['checkout', '-q', 'entire/checkpoints/v1']);
    writeFileSync(meta, JSON.stringify({ ...original, summary: { intent: 'Make checkpoint commits carry the real git author', learnings: { repo: ['Checkpoint commits are written with go-git'] } } }));
    git(up.dir, ['commit', '-q', '-am', 'Checkpoint: 1274eaa17eb8 summary again']);
    git(up.dir, ['checkout', '-q', 'main']);
    git(me.dir, ['fetch', '-q', 'origin']);
    expect(JSON.parse(ok(cli(['index', '--json'])).stdout).provenance).toEqual({ gitAi: 0, entire: 1, agentTrace: 0, skipped: 1 });
    expect(byCheckpoint().map((l) => l.content)).toEqual(['Checkpoint commits are written with go-git']);
  });

  it('puts first the code findings about the line asked for, by the commit git blame traces it to', { timeout: 120_000 }, () => {
    // committed.go is written by 1274eaa17eb8 (`package cli`, ``, `// change 1`, `func f1() {}`) and
    // rewritten by fcea11a4ec9d, which keeps its first two lines and changes the last two.
    const file = 'cmd/entire/cli/checkpoint/committed.go';
    const findings = (dir: string, checkpoint: string, code: object[], more: object = {}): void => {
      const meta = join(dir, checkpoint.slice(0, 2), checkpoint.slice(2), '0', 'metadata.json');
      const original = JSON.parse(readFileSync(meta, 'utf8')) as Record<string, unknown>;
      writeFileSync(meta, JSON.stringify({ ...original, summary: { intent: 'x', learnings: { code } }, ...more }));
    };
    const up = upstream((dir) => {
      findings(dir, '1274eaa17eb8', [
        { path: file, line: 1, finding: 'The package line of the first version' },
        { path: file, line: 3, end_line: 4, finding: 'The first version of the function' },
      ], { initial_attribution: { agent_lines: 0, total_committed: 0 } }); // as Entire writes it for a session it attributed nothing to
      findings(dir, 'fcea11a4ec9d', [{ path: file, line: 3, end_line: 4, finding: 'The second version of the function' }, { path: file, finding: 'About the whole file' }]);
    });
    const me = clone(up.dir);
    const cli = (args: string[]): CliResult => runCli(args, { cwd: me.dir, env: me.env, timeoutMs: 120_000 });
    ok(cli(['init', '--no-hooks', '-q']));
    type Learning = { content: string; lines?: { commit: string; start: number; end: number }; atLine?: true };
    const at = (line: number): Learning[] => JSON.parse(ok(cli(['why', `${file}:${line}`, '--json'])).stdout).learnings;
    const marked = (line: number): string[] => at(line).filter((l) => l.atLine).map((l) => l.content);

    expect(marked(4)).toEqual(['The second version of the function']);
    expect(at(4)[0]!.content).toBe('The second version of the function');
    expect(at(4).find((l) => l.content === 'The first version of the function')!.lines).toEqual({ commit: up.shas['1274eaa17eb8'], start: 3, end: 4 });
    expect(at(4).find((l) => l.content === 'About the whole file')!.lines).toBeUndefined();
    // Line 1 is still the first commit's: its finding about line 1, not the one about its old lines 3–4.
    expect(marked(1)).toEqual(['The package line of the first version']);
    expect(marked(2)).toEqual([]);
    const first = JSON.parse(ok(cli(['why', `${file}:1`, '--json'])).stdout).blamed;
    expect([first.sha, first.provenance]).toEqual([up.shas['1274eaa17eb8'], [expect.not.objectContaining({ commitLines: expect.anything() })]]);
    expect(ok(cli(['why', `${file}:1`])).stdout).not.toContain("of the commit's 0 added lines");
    // Without a line, nothing is marked; the text marks the line's finding.
    expect(JSON.parse(ok(cli(['why', file, '--json'])).stdout).learnings.filter((l: Learning) => l.atLine)).toEqual([]);
    const text = ok(cli(['why', `${file}:3`])).stdout;
    expect(text).toMatch(/\[code\] The second version of the function {2}Entire checkpoint fcea11a4ec9d, lines 3\u20134 at [0-9a-f]{10} {2}← this line/);
    expect(text).toMatch(/\[code\] The first version of the function {2}Entire checkpoint 1274eaa17eb8, lines 3\u20134 at [0-9a-f]{10}\n/);
  });
});
