import { spawnSync } from 'node:child_process';
import { mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { getCommit, intentLinks, openDb, recordRewrites, type Db } from '../../src/db/index.js';
import { findRepo } from '../../src/git/index.js';
import { catchUp } from '../../src/app/index.js';
import { ChatRows, linkPairs } from '../helpers/chat-rows.js';
import { caughtUpRepo } from '../helpers/caught-up-repo.js';
import { commit, git, gitRepo } from '../helpers/git-repo.js';

const GREET = 'export function greet(name: string): string {\n  return `hello ${name}`;\n}\n';

const setup = () => caughtUpRepo({ 'README.md': '# demo\n' }, '2026-02-01T10:00:00Z');

/** The project's one link: request `p`, on `shas`, the second carried from the first by `evidence`. */
function expectCarried(db: Db, root: string, p: string, shas: [string, string], evidence: string) {
  const [link] = intentLinks(db, root);
  expect(link!.requestId).toBe(p);
  expect(link!.commits.map((c) => c.sha)).toEqual(shas);
  expect(link!.commits[1]).toMatchObject({ evidence, from: shas[0] });
  return link!;
}

/** A session asks for greet and writes src/greet.ts; the commit follows. Its request id and the commit. */
function greetByAi(db: Db, root: string, dir: string, session: string): { p: string; sha: string } {
  const s = new ChatRows(db, root, session);
  const p = s.prompt('add greet', '2026-02-01T10:01:00.000Z');
  s.edit('src/greet.ts', '2026-02-01T10:02:00.000Z', { new: GREET });
  return { p, sha: commit(dir, { 'src/greet.ts': GREET }, 'greet', { date: '2026-02-01T10:05:00Z' }) };
}

describe('request → change links', () => {
  it('links the prompt whose edit text is in the commit, and nothing to a human-only file', async () => {
    const { dir, repo, db } = await setup();
    const s = new ChatRows(db, repo.root, 'claude-code:s1');
    const p = s.prompt('add a greet function', '2026-02-01T10:01:00.000Z');
    s.edit('src/greet.ts', '2026-02-01T10:02:00.000Z', { new: GREET });
    commit(dir, { 'src/greet.ts': GREET, 'docs/notes.md': 'notes written by hand\n' }, 'greet', { date: '2026-02-01T10:05:00Z' });
    const r = await catchUp(db, repo);
    expect(r.link.links).toBe(1);
    expect(linkPairs(db, repo.root)).toEqual([`${p} -> src/greet.ts`]);
    const [link] = intentLinks(db, repo.root);
    expect(link!.evidence).toBe('edit-text');
    expect(link!.confidence).toBe(0.95);
    expect(link!.commits[0]!.sha).toBe(git(dir, ['rev-parse', 'HEAD']).trim());
  });

  it('does not link an edit that was reverted before the commit', async () => {
    const { dir, repo, db } = await setup();
    commit(dir, { 'src/greet.ts': GREET }, 'greet by hand', { date: '2026-02-01T10:05:00Z' });
    await catchUp(db, repo);
    const s = new ChatRows(db, repo.root, 'claude-code:s2');
    s.prompt('log every greeting', '2026-02-01T10:10:00.000Z');
    s.edit('src/greet.ts', '2026-02-01T10:11:00.000Z', { old: '  return `hello ${name}`;', new: "  console.log('greeting', name);\n  return `hello ${name}`;" });
    s.prompt('no, undo that', '2026-02-01T10:12:00.000Z');
    s.edit('src/greet.ts', '2026-02-01T10:12:30.000Z', { old: "  console.log('greeting', name);\n  return `hello ${name}`;", new: '  return `hello ${name}`;' });
    commit(dir, { 'src/greet.ts': GREET + 'export const GREETING_VERSION = 2;\n' }, 'version by hand', { date: '2026-02-01T10:20:00Z' });
    await catchUp(db, repo);
    expect(linkPairs(db, repo.root)).toEqual([]);
  });

  it('links an edit whose commit arrives in a later run, and an edit stored after its commit was linked', async () => {
    const { dir, repo, db } = await setup();
    const s = new ChatRows(db, repo.root, 'codex:s3', 'codex');
    const p = s.prompt('add greet', '2026-02-01T10:01:00.000Z');
    s.edit('src/greet.ts', '2026-02-01T10:02:00.000Z', { new: GREET, tool: 'apply_patch' });
    await catchUp(db, repo); // nothing committed yet
    expect(linkPairs(db, repo.root)).toEqual([]);
    commit(dir, { 'src/greet.ts': GREET }, 'greet', { date: '2026-02-01T10:05:00Z' });
    await catchUp(db, repo);
    expect(linkPairs(db, repo.root)).toEqual([`${p} -> src/greet.ts`]);

    // A transcript read late: the commit was linked before this edit was stored.
    commit(dir, { 'src/other.ts': 'export const otherThing = 1;\n' }, 'other', { date: '2026-02-01T10:30:00Z' });
    await catchUp(db, repo);
    const late = new ChatRows(db, repo.root, 'claude-code:late');
    const q = late.prompt('add otherThing', '2026-02-01T10:25:00.000Z');
    late.edit('src/other.ts', '2026-02-01T10:26:00.000Z', { new: 'export const otherThing = 1;\n' });
    await catchUp(db, repo);
    expect(linkPairs(db, repo.root)).toEqual([`${p} -> src/greet.ts`, `${q} -> src/other.ts`].sort());
  });

  it('records the tool a trailer names without inventing a request', async () => {
    const { dir, repo, db } = await setup();
    commit(dir, { 'src/a.ts': 'export const alpha = 1;\n' }, 'alpha\n\nCo-Authored-By: Claude <noreply@anthropic.com>', { date: '2026-02-01T10:05:00Z' });
    await catchUp(db, repo);
    expect(linkPairs(db, repo.root)).toEqual([]);
    const row = db.prepare('SELECT ai_tool FROM linked_commits WHERE sha = ?').get(git(dir, ['rev-parse', 'HEAD']).trim()) as { ai_tool: string };
    expect(row.ai_tool).toBe('claude-code');
  });

  it('links Aider turns by the commit sha it printed', async () => {
    const { dir, repo, db } = await setup();
    const sha = commit(dir, { 'src/a.ts': 'export const alpha = 1;\n', 'src/b.ts': 'export const beta = 2;\n' }, 'feat: alpha', { date: '2026-02-01T10:05:00Z' });
    const s = new ChatRows(db, repo.root, 'aider:s4', 'aider');
    const p = s.prompt('add alpha', '2026-02-01T10:04:00.000Z');
    s.message('assistant', 'text', '> Applied edit to src/a.ts\n> Commit ' + sha.slice(0, 7), '2026-02-01T10:05:30.000Z', { appliedEdits: ['src/a.ts'], commits: [{ sha: sha.slice(0, 7), message: 'feat: alpha' }] });
    await catchUp(db, repo);
    expect(linkPairs(db, repo.root)).toEqual([`${p} -> src/a.ts`]);
    expect(intentLinks(db, repo.root)[0]!.evidence).toBe('aider-commit');
  });

  it('follows a rebase through the rewrite map and through patch-ids', async () => {
    const { dir, repo, db } = await setup();
    git(dir, ['checkout', '-q', '-b', 'feature']);
    const { p, sha: old } = greetByAi(db, repo.root, dir, 'claude-code:s5');
    await catchUp(db, repo);
    git(dir, ['checkout', '-q', 'main']);
    commit(dir, { 'README.md': '# demo\nmore\n' }, 'readme', { date: '2026-02-01T10:06:00Z' });
    git(dir, ['checkout', '-q', 'feature']);
    git(dir, ['rebase', '-q', 'main'], { GIT_COMMITTER_DATE: '2026-02-01T10:07:00Z' });
    const rebased = git(dir, ['rev-parse', 'HEAD']).trim();
    expect(rebased).not.toBe(old);
    await catchUp(db, repo);
    expect(expectCarried(db, repo.root, p, [old, rebased], 'patch-id').commits[1]!.confidence).toBe(0.95);
  });

  it('follows by patch-id a rebase onto a published history, and one done on the server and fetched', async () => {
    // Dates near today: a commit fetched from a remote gets a patch-id because it is recent.
    const at = (minutes: number) => new Date(Date.now() - 2 * 86_400_000 + minutes * 60_000).toISOString();
    const { dir, repo, db } = await caughtUpRepo({ 'README.md': '# demo\n' }, at(0));
    const remote = realpathSync(mkdtempSync(join(tmpdir(), 'lore-remote-')));
    git(remote, ['init', '-q', '--bare', '-b', 'main']);
    git(dir, ['remote', 'add', 'origin', remote]);
    git(dir, ['push', '-q', 'origin', 'main']);
    git(dir, ['checkout', '-q', '-b', 'feature']);
    const s = new ChatRows(db, repo.root, 'claude-code:s9');
    const p = s.prompt('add greet', at(1));
    s.edit('src/greet.ts', at(2), { new: GREET });
    const old = commit(dir, { 'src/greet.ts': GREET }, 'greet', { date: at(5) });
    await catchUp(db, repo);
    git(dir, ['push', '-q', 'origin', 'feature']);

    // Here: main moves on (published), the branch is rebased onto it (no hook saw it).
    git(dir, ['checkout', '-q', 'main']);
    commit(dir, { 'README.md': '# demo\nmore\n' }, 'readme', { date: at(6) });
    git(dir, ['push', '-q', 'origin', 'main']);
    git(dir, ['checkout', '-q', 'feature']);
    git(dir, ['rebase', '-q', 'main'], { GIT_COMMITTER_DATE: at(7) });
    const rebased = git(dir, ['rev-parse', 'HEAD']).trim();
    await catchUp(db, repo);

    // On the server: the branch is rebased onto a newer main and merged there; fetched here.
    const server = realpathSync(mkdtempSync(join(tmpdir(), 'lore-server-')));
    git(server, ['clone', '-q', remote, '.']);
    git(server, ['config', 'user.name', 'Server']);
    git(server, ['config', 'user.email', 'server@example.com']);
    commit(server, { 'NEWS.md': 'news\n' }, 'news', { date: at(8) });
    git(server, ['checkout', '-q', 'feature']);
    git(server, ['rebase', '-q', 'main'], { GIT_COMMITTER_DATE: at(9) });
    git(server, ['push', '-q', 'origin', 'HEAD:main']);
    const merged = git(server, ['rev-parse', 'HEAD']).trim();
    git(dir, ['checkout', '-q', 'main']);
    git(dir, ['pull', '-q', '--ff-only', 'origin', 'main']);
    expect(git(dir, ['rev-parse', 'HEAD']).trim()).toBe(merged);
    await catchUp(db, repo);

    const [link] = intentLinks(db, repo.root);
    expect(link!.requestId).toBe(p);
    expect(link!.commits.map((c) => c.sha)).toEqual([old, rebased, merged]);
    expect(link!.commits[1]).toMatchObject({ evidence: 'patch-id', from: old });
    expect(link!.commits[2]).toMatchObject({ evidence: 'patch-id' });
  });

  it('follows by patch-id a rewrite no hook saw of the history lore found first, without remotes', async () => {
    // An old history: its commits get no patch-id at the first index (src/git/enrich.ts).
    const dir = gitRepo();
    commit(dir, { 'README.md': '# demo\n' }, 'initial', { date: '2026-02-01T10:00:00Z' });
    git(dir, ['checkout', '-q', '-b', 'feature']);
    const db = openDb(join(dir, '.git', 'test-lore.db'));
    onTestFinished(() => {
      db.close();
    });
    const repo = await findRepo(dir);
    const { p, sha: old } = greetByAi(db, repo.root, dir, 'claude-code:s10');
    await catchUp(db, repo);
    expect(getCommit(db, repo.root, old)?.patchId).toBeNull();
    expect(intentLinks(db, repo.root)[0]!.commits.map((c) => c.sha)).toEqual([old]);

    // Rebased with its old dates kept, as filter-branch or --committer-date-is-author-date do.
    git(dir, ['checkout', '-q', 'main']);
    commit(dir, { 'README.md': '# demo\nmore\n' }, 'readme', { date: '2026-02-01T10:06:00Z' });
    git(dir, ['checkout', '-q', 'feature']);
    git(dir, ['rebase', '-q', 'main'], { GIT_COMMITTER_DATE: '2026-02-01T10:05:00Z' });
    const rebased = git(dir, ['rev-parse', 'HEAD']).trim();
    await catchUp(db, repo);

    expect(getCommit(db, repo.root, old)?.patchId).toBeTruthy();
    expect(getCommit(db, repo.root, rebased)?.patchId).toBe(getCommit(db, repo.root, old)?.patchId);
    expectCarried(db, repo.root, p, [old, rebased], 'patch-id');
  });

  it('follows a cherry-pick -x to its original, though its conflicts changed the patch', async () => {
    const { dir, repo, db } = await setup();
    git(dir, ['checkout', '-q', '-b', 'release']);
    commit(dir, { 'src/greet.ts': 'export const VERSION = 1;\n' }, 'release: version', { date: '2026-02-01T10:03:00Z' });
    git(dir, ['checkout', '-q', 'main']);
    const { p, sha: original } = greetByAi(db, repo.root, dir, 'claude-code:s11');
    await catchUp(db, repo);
    expect(intentLinks(db, repo.root).map((l) => l.commits.map((e) => e.sha))).toEqual([[original]]);

    // Backported weeks later; the file differs there, so the pick conflicts and is resolved by hand.
    git(dir, ['checkout', '-q', 'release']);
    expect(spawnSync('git', ['cherry-pick', '-x', original], { cwd: dir }).status).not.toBe(0);
    commit(dir, { 'src/greet.ts': 'export const VERSION = 1;\n' + GREET }, `greet\n\n(cherry picked from commit ${original})`, { date: '2026-03-01T09:00:00Z' });
    const backport = git(dir, ['rev-parse', 'HEAD']).trim();
    await catchUp(db, repo);

    expectCarried(db, repo.root, p, [original, backport], 'cherry-pick');
  });

  it('follows an amend through the post-rewrite map when the patch changed', async () => {
    const { dir, repo, db } = await setup();
    const { p, sha: old } = greetByAi(db, repo.root, dir, 'claude-code:s6');
    await catchUp(db, repo);
    // The human amends the commit with a change of their own: a new patch-id, so only the map says.
    commit(dir, { 'src/greet.ts': GREET + '// reviewed\n' }, 'greet', { date: '2026-02-01T10:06:00Z', args: ['--amend'] });
    const amended = git(dir, ['rev-parse', 'HEAD']).trim();
    recordRewrites(db, repo.root, [{ oldSha: old, newSha: amended, kind: 'amend' }]);
    await catchUp(db, repo);
    const [link] = intentLinks(db, repo.root);
    expect(link!.requestId).toBe(p);
    expect(link!.commits.find((c) => c.sha === amended)).toMatchObject({ evidence: 'rewrite', from: old, confidence: 0.95 });
  });

  it('links a prompt that names the file only when a trailer names its tool', async () => {
    const { dir, repo, db } = await setup();
    const s = new ChatRows(db, repo.root, 'claude-code:s7');
    // The change was made through a shell command, so no edit records it.
    const p = s.prompt('use sed to bump the version in src/version.ts', '2026-02-01T10:01:00.000Z');
    commit(dir, { 'src/version.ts': 'export const version = 2;\n' }, 'bump version', { date: '2026-02-01T10:03:00Z' });
    await catchUp(db, repo);
    expect(linkPairs(db, repo.root)).toEqual([]);
    s.prompt('and the same for src/build.ts', '2026-02-01T10:04:00.000Z');
    const q = s.prompt('and src/build.ts please', '2026-02-01T10:05:00.000Z');
    commit(dir, { 'src/build.ts': 'export const build = 2;\n' }, 'bump build\n\nCo-Authored-By: Claude Opus 4.7 <noreply@anthropic.com>', { date: '2026-02-01T10:06:00Z' });
    await catchUp(db, repo);
    expect(linkPairs(db, repo.root).filter((x) => !x.startsWith(p))).toEqual([`claude-code:s7:m2 -> src/build.ts`, `${q} -> src/build.ts`]);
    expect(intentLinks(db, repo.root).map((l) => [l.evidence, l.confidence])).toEqual([
      ['mention', 0.6],
      ['mention', 0.6],
    ]);
  });

  it('links a squash made where no hook saw it by the edits themselves', async () => {
    const { dir, repo, db } = await setup();
    git(dir, ['checkout', '-q', '-b', 'topic']);
    const s = new ChatRows(db, repo.root, 'claude-code:s8');
    const p = s.prompt('add greet', '2026-02-01T10:01:00.000Z');
    s.edit('src/greet.ts', '2026-02-01T10:02:00.000Z', { new: GREET });
    commit(dir, { 'src/greet.ts': GREET }, 'wip greet', { date: '2026-02-01T10:05:00Z' });
    const q = s.prompt('add a farewell too', '2026-02-01T10:06:00.000Z');
    s.edit('src/bye.ts', '2026-02-01T10:07:00.000Z', { new: 'export const bye = () => "bye";\n' });
    commit(dir, { 'src/bye.ts': 'export const bye = () => "bye";\n' }, 'wip bye', { date: '2026-02-01T10:08:00Z' });
    await catchUp(db, repo);
    git(dir, ['checkout', '-q', 'main']);
    git(dir, ['merge', '-q', '--squash', 'topic']);
    const squashed = commit(dir, {}, 'greet and bye', { date: '2026-02-01T10:20:00Z' });
    await catchUp(db, repo);
    const on = (sha: string) => intentLinks(db, repo.root).flatMap((l) => l.commits.filter((c) => c.sha === sha).map((c) => `${l.requestId} -> ${l.path}: ${c.evidence}`)).sort();
    expect(on(squashed)).toEqual([`${p} -> src/greet.ts: edit-text`, `${q} -> src/bye.ts: edit-text`]);
  });
});
