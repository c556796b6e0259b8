import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveRewrite } from '../../src/db/index.js';
import { defaultHookPaths, findRepo, hookManager, hookStatus, installHooks, uninstallHooks } from '../../src/git/index.js';
import { catchUp } from '../../src/app/index.js';
import { commit, git, gitRepo } from '../helpers/git-repo.js';
import { quietPaths, queueOf } from '../helpers/hooks.js';
import { tempDb } from '../helpers/temp-db.js';

/** A foreign hook that proves it ran by appending its name and arguments to `log`. */
function foreignHook(log: string): string {
  return `#!/bin/sh\n# someone else's hook\necho "foreign $(basename "$0") $*" >> '${log}'\n`;
}

describe('hook install and uninstall', () => {
  it('installs three marked executable shims where there were none, and removes them again', async () => {
    const repo = gitRepo({ 'a.txt': 'a\n' });
    const paths = quietPaths();
    const before = readdirSync(join(repo, '.git/hooks')).sort();
    const statuses = await installHooks(repo, paths);
    expect(statuses.map((s) => [s.name, s.state, s.chained, s.stale])).toEqual([
      ['post-commit', 'installed', false, false],
      ['post-merge', 'installed', false, false],
      ['post-rewrite', 'installed', false, false],
    ]);
    for (const s of statuses) {
      expect(s.path).toBe(join(repo, '.git/hooks', s.name));
      expect(statSync(s.path).mode & 0o777).toBe(0o755);
      expect(readFileSync(s.path, 'utf8')).toContain('# lore-managed hook');
      expect(readFileSync(s.path, 'utf8')).toContain(`worker='${paths.worker}'`);
    }
    const sha = commit(repo, { 'b.txt': 'b\n' }, 'second');
    expect(queueOf(repo)).toEqual([`commit ${sha}`]);

    const after = await uninstallHooks(repo, paths);
    expect(after.map((s) => s.state)).toEqual(['missing', 'missing', 'missing']);
    expect(readdirSync(join(repo, '.git/hooks')).sort()).toEqual(before);
  });

  it('chains an existing foreign post-commit hook: both run, and uninstall restores its exact bytes and mode', async () => {
    const repo = gitRepo({ 'a.txt': 'a\n' });
    const log = join(mkdtempSync(join(tmpdir(), 'lore-log-')), 'ran.log');
    const hook = join(repo, '.git/hooks/post-commit');
    // Odd bytes on purpose: a CR in a comment, non-ASCII, no newline at the end.
    const original = Buffer.from(foreignHook(log) + '# keep me \r\n# ünïcödé\nexit 0');
    writeFileSync(hook, original);
    chmodSync(hook, 0o700);

    const statuses = await installHooks(repo, quietPaths());
    expect(statuses[0]).toMatchObject({ name: 'post-commit', state: 'installed', chained: true });
    expect(readFileSync(hook + '.lore-chained')).toEqual(original);

    const sha = commit(repo, { 'b.txt': 'b\n' }, 'second');
    // It runs under the name git gave it, not .lore-chained: husky's dispatcher finds its script by that name.
    expect(readFileSync(log, 'utf8')).toMatch(/^foreign post-commit\s*$/);
    expect(queueOf(repo)).toEqual([`commit ${sha}`]);

    // Installing again refreshes our shim and keeps the chain as it is.
    await installHooks(repo, quietPaths());
    expect(readFileSync(hook + '.lore-chained')).toEqual(original);

    await uninstallHooks(repo);
    expect(readFileSync(hook)).toEqual(original);
    expect(statSync(hook).mode & 0o777).toBe(0o700);
    expect(existsSync(hook + '.lore-chained')).toBe(false);
    expect((await hookStatus(repo))[0]).toMatchObject({ state: 'foreign', chained: false });
  });

  it('changes nothing in a hooks directory the team shares (tracked .husky/), and names the line that runs its hook', async () => {
    const repo = gitRepo({ 'a.txt': 'a\n' });
    const log = join(mkdtempSync(join(tmpdir(), 'lore-log-')), 'ran.log');
    mkdirSync(join(repo, '.husky'));
    const huskyHook = join(repo, '.husky/post-commit');
    writeFileSync(huskyHook, foreignHook(log), { mode: 0o755 });
    git(repo, ['add', '.husky']);
    git(repo, ['commit', '-q', '-m', 'team hooks']);
    git(repo, ['config', 'core.hooksPath', '.husky']);
    const gitHooksBefore = readdirSync(join(repo, '.git/hooks')).sort();

    const paths = quietPaths();
    const statuses = await installHooks(repo, paths);
    expect(statuses.map((s) => [s.path, s.state])).toEqual(['post-commit', 'post-merge', 'post-rewrite'].map((n) => [join(repo, '.husky', n), 'manual']));
    expect(statuses[0]!.line).toBe('[ -d .git ] && lore_hook=.git/lore/hooks/post-commit || lore_hook="$(git rev-parse --git-common-dir)/lore/hooks/post-commit"; [ ! -x "$lore_hook" ] || "$lore_hook" "$@"');
    expect(readdirSync(join(repo, '.husky'))).toEqual(['post-commit']);
    expect(readFileSync(huskyHook, 'utf8')).toBe(foreignHook(log));
    expect(git(repo, ['status', '--porcelain'])).toBe('');
    expect(readdirSync(join(repo, '.git/hooks')).sort()).toEqual(gitHooksBefore);

    // Meanwhile the team's hook runs as before and lore records nothing at commit time.
    commit(repo, { 'b.txt': 'b\n' }, 'second');
    expect(readFileSync(log, 'utf8')).toMatch(/^foreign post-commit\s*$/);
    expect(queueOf(repo)).toEqual([]);

    // The line, added by the team, runs lore's hook.
    writeFileSync(huskyHook, `${foreignHook(log)}${statuses[0]!.line}\n`);
    const sha = commit(repo, { 'c.txt': 'c\n' }, 'third');
    expect(queueOf(repo)).toEqual([`commit ${sha}`]);
    expect((await hookStatus(repo, paths)).map((s) => [s.state, s.stale])).toEqual([['installed', false], ['manual', false], ['manual', false]]);

    await uninstallHooks(repo);
    expect(existsSync(join(repo, '.git/lore/hooks'))).toBe(false);
    expect(readdirSync(join(repo, '.husky'))).toEqual(['post-commit']);
  });

  it('chains the hook a tool wrote over ours, keeps a differing older copy aside, and leaves no lore file on uninstall', async () => {
    const repo = gitRepo({ 'a.txt': 'a\n' });
    const log = join(mkdtempSync(join(tmpdir(), 'lore-log-')), 'ran.log');
    const hook = join(repo, '.git/hooks/post-commit');
    writeFileSync(hook, foreignHook(log), { mode: 0o755 });
    const paths = quietPaths();
    await installHooks(repo, paths);
    // The tool writes a new version of its hook over our shim.
    const newer = `${foreignHook(log)}echo newer >> '${log}'\n`;
    writeFileSync(hook, newer, { mode: 0o755 });
    expect((await hookStatus(repo, paths))[0]).toMatchObject({ state: 'foreign', chained: true });

    await expect(installHooks(repo, paths)).resolves.toBeDefined();
    expect(readFileSync(hook + '.lore-chained', 'utf8')).toBe(newer);
    const kept = readdirSync(join(repo, '.git/lore/replaced-hooks'));
    expect(kept).toHaveLength(1);
    expect(readFileSync(join(repo, '.git/lore/replaced-hooks', kept[0]!), 'utf8')).toBe(foreignHook(log));
    commit(repo, { 'b.txt': 'b\n' }, 'second');
    expect(readFileSync(log, 'utf8')).toBe('foreign post-commit \nnewer\n');

    // Written over again, the same bytes: nothing more kept; then uninstall with the tool's hook in place.
    writeFileSync(hook, newer, { mode: 0o755 });
    await installHooks(repo, paths);
    expect(readdirSync(join(repo, '.git/lore/replaced-hooks'))).toHaveLength(1);
    writeFileSync(hook, newer, { mode: 0o755 });
    await uninstallHooks(repo, paths);
    expect(readdirSync(join(repo, '.git/hooks')).filter((n) => !n.endsWith('.sample'))).toEqual(['post-commit']);
    expect(readFileSync(hook, 'utf8')).toBe(newer);
  });

  it('names the tool that rewrites the hooks, and what it does to lore\'s', async () => {
    const plain = gitRepo({ 'a.txt': 'a\n' });
    expect(await hookManager(plain)).toBeUndefined();
    const sgh = gitRepo({ 'package.json': JSON.stringify({ 'simple-git-hooks': { 'pre-commit': 'true' } }) });
    expect((await hookManager(sgh))?.note).toContain('"preserveUnused": ["post-commit", "post-merge", "post-rewrite"]');
    const lefthook = gitRepo({ 'lefthook.yml': 'pre-commit:\n' });
    expect(await hookManager(lefthook)).toMatchObject({ tool: 'lefthook' });
    const husky = gitRepo({ 'a.txt': 'a\n' });
    mkdirSync(join(husky, '.husky/_'), { recursive: true });
    writeFileSync(join(husky, '.husky/_/h'), '');
    git(husky, ['config', 'core.hooksPath', '.husky/_']);
    expect(await hookManager(husky)).toMatchObject({ tool: 'husky' });
  });

  it('reports a shim that points at another lore as stale', async () => {
    const repo = gitRepo({ 'a.txt': 'a\n' });
    await installHooks(repo, quietPaths());
    const statuses = await hookStatus(repo, quietPaths());
    expect(statuses.map((s) => s.stale)).toEqual([true, true, true]);
  });
});

describe('the shims and the script they share', () => {
  it('each shim is one line that sources lore-hook.sh, which records its event on a real commit, merge and rebase', async () => {
    const repo = gitRepo({ 'a.txt': 'a\n' });
    const paths = quietPaths();
    await installHooks(repo, paths);
    const hooks = join(repo, '.git/hooks');
    expect(readFileSync(join(hooks, 'lore-hook.sh'))).toEqual(readFileSync(join(paths.templates, 'lore-hook.sh')));
    for (const name of ['post-commit', 'post-merge', 'post-rewrite']) {
      const code = readFileSync(join(hooks, name), 'utf8').split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));
      expect(code).toEqual([`[ ! -f "\${0%/*}/lore-hook.sh" ] || node='${paths.node}' worker='${paths.worker}' . "\${0%/*}/lore-hook.sh"`]);
    }

    const committed = commit(repo, { 'b.txt': 'b\n' }, 'on main');
    git(repo, ['checkout', '-q', '-b', 'topic', 'HEAD~1']);
    const topic = commit(repo, { 't.txt': 't\n' }, 'on topic');
    git(repo, ['checkout', '-q', 'main']);
    git(repo, ['merge', '-q', '--no-ff', '--no-edit', 'topic']);
    const merged = git(repo, ['rev-parse', 'HEAD']).trim();
    git(repo, ['checkout', '-q', 'topic']);
    git(repo, ['rebase', '-q', committed]);
    const rebased = git(repo, ['rev-parse', 'HEAD']).trim();

    // git's merge backend also runs post-commit for each commit a rebase picks; older gits do not.
    const queue = queueOf(repo).filter((line) => line !== `commit ${rebased}`);
    expect(queue).toEqual([`commit ${committed}`, `commit ${topic}`, `merge ${merged}`, `rewrite ${topic} ${rebased} rebase`]);
  });

  it('reports the shims stale when lore-hook.sh is gone, and install puts it back', async () => {
    const repo = gitRepo({ 'a.txt': 'a\n' });
    const paths = quietPaths();
    await installHooks(repo, paths);
    rmSync(join(repo, '.git/hooks/lore-hook.sh'));
    expect((await hookStatus(repo, paths)).map((s) => s.stale)).toEqual([true, true, true]);
    expect((await installHooks(repo, paths)).map((s) => s.stale)).toEqual([false, false, false]);
  });

  it('refuses to install over a lore-hook.sh that is not lore\'s, and changes nothing', async () => {
    const repo = gitRepo({ 'a.txt': 'a\n' });
    writeFileSync(join(repo, '.git/hooks/lore-hook.sh'), 'echo mine\n');
    const before = readdirSync(join(repo, '.git/hooks')).sort();
    await expect(installHooks(repo, quietPaths())).rejects.toThrow(/lore-hook\.sh already exists/);
    expect(readdirSync(join(repo, '.git/hooks')).sort()).toEqual(before);
    expect(readFileSync(join(repo, '.git/hooks/lore-hook.sh'), 'utf8')).toBe('echo mine\n');
  });
});

describe('the hook shims', () => {
  it('record the commit when the repository path has spaces', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'lore dir with spaces-'));
    const repo = join(parent, 'my repo');
    mkdirSync(repo);
    git(repo, ['init', '-q', '-b', 'main']);
    await installHooks(repo, quietPaths());
    writeFileSync(join(repo, 'a.txt'), 'a\n');
    git(repo, ['add', 'a.txt']);
    git(repo, ['commit', '-q', '-m', 'first']);
    expect(queueOf(repo)).toEqual([`commit ${git(repo, ['rev-parse', 'HEAD']).trim()}`]);
  });

  it('record nothing with LORE=0, and still run the chained hook', async () => {
    const repo = gitRepo({ 'a.txt': 'a\n' });
    const log = join(mkdtempSync(join(tmpdir(), 'lore-log-')), 'ran.log');
    writeFileSync(join(repo, '.git/hooks/post-commit'), foreignHook(log), { mode: 0o755 });
    await installHooks(repo, quietPaths());
    git(repo, ['commit', '-q', '--allow-empty', '-m', 'skipped'], { LORE: '0' });
    expect(queueOf(repo)).toEqual([]);
    expect(readFileSync(log, 'utf8')).toContain('foreign post-commit');
  });

  it('stay silent and exit 0 when the worker they point at is missing', async () => {
    const repo = gitRepo({ 'a.txt': 'a\n' });
    const paths = { ...defaultHookPaths(), worker: join(tmpdir(), 'lore-no-such-dir', 'hook-worker.js') };
    await installHooks(repo, paths);
    for (const name of ['post-commit', 'post-merge', 'post-rewrite']) {
      const r = spawnSync('sh', [join(repo, '.git/hooks', name), 'amend'], { cwd: repo, input: 'a b\n', encoding: 'utf8' });
      expect({ name, code: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ name, code: 0, stdout: '', stderr: '' });
    }
    const r = spawnSync('git', ['commit', '--allow-empty', '-q', '-m', 'no lore'], { cwd: repo, encoding: 'utf8' });
    expect({ code: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(queueOf(repo)).toEqual([]);
  });

  it('record a merge, and the old → new map of an amend and of a rebase, which catchUp stores', async () => {
    const repo = gitRepo({ 'a.txt': 'a\n' });
    await installHooks(repo, quietPaths());
    const first = commit(repo, { 'b.txt': 'b\n' }, 'first');
    git(repo, ['commit', '-q', '--amend', '-m', 'first, amended']);
    const amended = git(repo, ['rev-parse', 'HEAD']).trim();

    git(repo, ['checkout', '-q', '-b', 'topic']);
    const t1 = commit(repo, { 't1.txt': '1\n' }, 'topic 1');
    const t2 = commit(repo, { 't2.txt': '2\n' }, 'topic 2');
    git(repo, ['checkout', '-q', 'main']);
    commit(repo, { 'm.txt': 'm\n' }, 'main moves on');
    git(repo, ['checkout', '-q', 'topic']);
    git(repo, ['rebase', '-q', 'main']);
    const [n2, n1] = git(repo, ['rev-list', '-2', 'HEAD']).trim().split('\n') as [string, string];
    git(repo, ['checkout', '-q', 'main']);
    git(repo, ['merge', '-q', '--ff-only', 'topic']);

    const queue = queueOf(repo);
    expect(queue).toContain(`rewrite ${first} ${amended} amend`);
    expect(queue).toContain(`rewrite ${t1} ${n1} rebase`);
    expect(queue).toContain(`rewrite ${t2} ${n2} rebase`);
    expect(queue).toContain(`merge ${n2}`);

    const { db } = tempDb();
    const r = await catchUp(db, await findRepo(repo));
    expect(r.hookEvents).toBe(queue.length);
    expect(resolveRewrite(db, repo, first)).toBe(amended);
    expect(resolveRewrite(db, repo, t1)).toBe(n1);
    expect(resolveRewrite(db, repo, t2)).toBe(n2);
    expect(db.prepare('SELECT kind FROM commit_rewrites WHERE old_sha = ?').get(t1)).toEqual({ kind: 'rebase' });
    // The amended-away commit was queued by post-commit and is indexed too (it may carry links).
    expect(db.prepare('SELECT count(*) AS n FROM commits WHERE sha IN (?, ?)').get(first, amended)).toEqual({ n: 2 });
    db.close();
  });
});
