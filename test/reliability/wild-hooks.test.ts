// Issue 14, items 7–10: hooks that other tools manage, each as it was broken, with the real tools.
// husky 9 and husky 8 are devDependencies (husky8 is an npm alias). lefthook and simple-git-hooks
// are not: their postinstall scripts would install hooks into a contributor's clone. With
// LORE_SLOW=1 they are installed at test time with --ignore-scripts into a temp folder (skipped,
// with the reason, when the registry cannot be reached).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catchUp } from '../../src/app/index.js';
import { defaultHookPaths, findRepo, hookStatus, installHooks, uninstallHooks, type HookPaths } from '../../src/git/index.js';
import { runCli } from '../helpers/cli.js';
import { commit, git, gitRepo } from '../helpers/git-repo.js';
import { quietPaths, queueOf } from '../helpers/hooks.js';
import { tempDb } from '../helpers/temp-db.js';

const SLOW = process.env.LORE_SLOW === '1';
const HUSKY9 = resolve('node_modules/husky/bin.js');
const HUSKY8 = resolve('node_modules/husky8/lib/bin.js');

const linesOf = (path: string): string[] => (existsSync(path) ? readFileSync(path, 'utf8').trim().split('\n') : []);

/** Every entry under `dir`: a file's mode and bytes, a symlink's target. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string): void => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const path = join(rel, name);
      const st = lstatSync(join(dir, path));
      if (st.isSymbolicLink()) out[path] = `link ${readlinkSync(join(dir, path))}`;
      else if (st.isDirectory()) walk(path);
      else out[path] = `file ${(st.mode & 0o7777).toString(8)} ${readFileSync(join(dir, path)).toString('base64')}`;
    }
  };
  walk('');
  return out;
}

function run(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}): string {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A commit as a user makes it: hooks run (no --no-verify), output kept for the assertions. */
function userCommit(repo: string, file: string, env: Record<string, string> = {}): { sha: string; stderr: string } {
  writeFileSync(join(repo, file), `${file} ${Math.random()}\n`);
  git(repo, ['add', file]);
  const r = spawnSync('git', ['commit', '-q', '-m', `change ${file}`], { cwd: repo, encoding: 'utf8', env: { ...process.env, ...env } });
  expect(r.status, r.stderr).toBe(0);
  return { sha: git(repo, ['rev-parse', 'HEAD']).trim(), stderr: r.stderr };
}

describe('husky 9 (core.hooksPath=.husky/_, its dispatcher runs .husky/$(basename $0))', () => {
  it("keeps running the user's .husky/post-commit, reinstalls over a regenerated .husky/_, and uninstall restores it byte for byte", async () => {
    const repo = gitRepo({ 'a.txt': 'a\n' });
    const log = join(mkdtempSync(join(tmpdir(), 'lore-log-')), 'ran.log');
    run(process.execPath, [HUSKY9], repo);
    expect(git(repo, ['config', 'core.hooksPath']).trim()).toBe('.husky/_');
    // A husky 9 script: no shebang, husky runs it with `sh -e`.
    writeFileSync(join(repo, '.husky/post-commit'), `echo "user post-commit" >> '${log}'\n`);
    commit(repo, { '.husky/.keep': '' }, 'team hooks');
    rmSync(log);
    const paths = quietPaths();
    const pristine = snapshot(join(repo, '.husky'));

    const statuses = await installHooks(repo, paths);
    expect(statuses.map((s) => [s.state, s.chained, s.path])).toEqual(['post-commit', 'post-merge', 'post-rewrite'].map((n) => ['installed', true, join(repo, '.husky/_', n)]));
    const first = userCommit(repo, 'b.txt');
    expect(linesOf(log)).toEqual(['user post-commit']);
    expect(queueOf(repo)).toEqual([`commit ${first.sha}`]);
    expect(git(repo, ['status', '--porcelain'])).toBe('');

    // `npm install` runs husky again: it rewrites every file in .husky/_, ours among them.
    run(process.execPath, [HUSKY9], repo);
    expect((await hookStatus(repo, paths)).map((s) => s.state)).toEqual(['foreign', 'foreign', 'foreign']);
    userCommit(repo, 'c.txt');
    expect(linesOf(log)).toHaveLength(2);

    const again = await installHooks(repo, paths);
    expect(again.map((s) => [s.state, s.chained, s.stale])).toEqual([['installed', true, false], ['installed', true, false], ['installed', true, false]]);
    const third = userCommit(repo, 'd.txt');
    expect(linesOf(log)).toEqual(['user post-commit', 'user post-commit', 'user post-commit']);
    expect(queueOf(repo)).toEqual([`commit ${first.sha}`, `commit ${third.sha}`]);

    await uninstallHooks(repo, paths);
    expect(snapshot(join(repo, '.husky'))).toEqual(pristine);
    expect(existsSync(join(repo, '.git/lore/replaced-hooks'))).toBe(false);
  });

  it('`lore hook install` and `lore doctor --fix` after husky regenerated .husky/_ exit without a stack trace and reinstall', () => {
    const repo = gitRepo({ 'a.txt': 'a\n' });
    run(process.execPath, [HUSKY9], repo);
    writeFileSync(join(repo, '.husky/post-commit'), 'true\n');
    const pristine = snapshot(join(repo, '.husky'));
    expect(runCli(['hook', 'install'], { cwd: repo }).code).toBe(0);
    run(process.execPath, [HUSKY9], repo);

    const install = runCli(['hook', 'install'], { cwd: repo });
    expect({ code: install.code, stderr: install.stderr }).toEqual({ code: 0, stderr: '' });
    expect(install.stdout).toMatch(/post-commit\s+installed, runs the previous hook first/);

    run(process.execPath, [HUSKY9], repo);
    const check = runCli(['doctor'], { cwd: repo });
    expect(check.stdout).toMatch(/post-commit, post-merge, post-rewrite are another tool's hooks .*husky rewrites \.husky\/_\/ at every `npm install`/);
    const doctor = runCli(['doctor', '--fix'], { cwd: repo });
    expect(doctor.stderr).not.toMatch(/\n\s+at /);
    expect(doctor.stdout + doctor.stderr).toMatch(/hooks installed in/);
    const status = runCli(['hook', 'status', '--json'], { cwd: repo });
    expect(JSON.parse(status.stdout).hooks.map((h: { state: string }) => h.state)).toEqual(['installed', 'installed', 'installed']);

    expect(runCli(['hook', 'uninstall'], { cwd: repo }).code).toBe(0);
    expect(snapshot(join(repo, '.husky'))).toEqual(pristine);
  });
});

describe('husky 8 (core.hooksPath=.husky, tracked)', () => {
  it('modifies and adds nothing in the work tree, names the line to add, and relies on catch-up meanwhile', async () => {
    const repo = gitRepo({ 'a.txt': 'a\n' });
    const log = join(mkdtempSync(join(tmpdir(), 'lore-log-')), 'ran.log');
    run(process.execPath, [HUSKY8, 'install'], repo);
    run(process.execPath, [HUSKY8, 'add', '.husky/post-commit', `echo "user post-commit" >> '${log}'`], repo);
    git(repo, ['add', '.husky']);
    git(repo, ['commit', '-q', '--no-verify', '-m', 'team hooks']);
    rmSync(log);
    const before = snapshot(join(repo, '.husky'));
    const paths = quietPaths();

    const statuses = await installHooks(repo, paths);
    expect(statuses.map((s) => s.state)).toEqual(['manual', 'manual', 'manual']);
    expect(snapshot(join(repo, '.husky'))).toEqual(before);
    expect(git(repo, ['status', '--porcelain'])).toBe('');

    const first = userCommit(repo, 'b.txt');
    expect(linesOf(log)).toEqual(['user post-commit']);
    expect(queueOf(repo)).toEqual([]);
    // Catch-up (any lore command, or `lore watch`) finds the commit the hook did not record.
    const { db } = tempDb();
    await catchUp(db, await findRepo(repo));
    expect(db.prepare('SELECT count(*) AS n FROM commits WHERE sha = ?').get(first.sha)).toEqual({ n: 1 });
    db.close();

    // The team adds the line lore named: lore's hook runs, the team's too, and teammates without lore see nothing.
    const hook = join(repo, '.husky/post-commit');
    writeFileSync(hook, `${readFileSync(hook, 'utf8')}${statuses[0]!.line}\n`);
    git(repo, ['add', '.husky/post-commit']);
    const second = userCommit(repo, 'c.txt');
    expect(second.stderr).toBe('');
    expect(linesOf(log)).toHaveLength(2);
    expect(queueOf(repo)).toEqual([`commit ${second.sha}`]);
    const withLine = snapshot(join(repo, '.husky'));

    // husky 8 runs again (`npm install`), and so does lore's install: still nothing changed, still recorded.
    run(process.execPath, [HUSKY8, 'install'], repo);
    expect((await installHooks(repo, paths)).map((s) => s.state)).toEqual(['installed', 'manual', 'manual']);
    expect(snapshot(join(repo, '.husky'))).toEqual(withLine);
    const again = userCommit(repo, 'c2.txt');
    expect(queueOf(repo)).toEqual([`commit ${second.sha}`, `commit ${again.sha}`]);
    // In a linked worktree `.git` is a file: the line asks git where the hooks are.
    const wt = join(mkdtempSync(join(tmpdir(), 'lore-wt-')), 'wt');
    git(repo, ['worktree', 'add', '-q', wt, '-b', 'side']);
    run(process.execPath, [HUSKY8, 'install'], wt); // its ignored .husky/_/husky.sh, per work tree
    const inWorktree = userCommit(wt, 'w.txt');
    expect(inWorktree.stderr).toBe('');
    expect(linesOf(join(repo, '.git/worktrees/wt/lore/queue'))).toEqual([`commit ${inWorktree.sha}`]);
    expect(linesOf(log)).toHaveLength(4);

    await uninstallHooks(repo, paths);
    expect(snapshot(join(repo, '.husky'))).toEqual(withLine);
    expect(existsSync(join(repo, '.git/lore/hooks'))).toBe(false);
    const third = userCommit(repo, 'd.txt');
    expect(third.stderr).toBe('');
    expect(linesOf(log)).toHaveLength(5);
    expect(queueOf(repo)).toEqual([`commit ${second.sha}`, `commit ${again.sha}`]);
  });

  it("puts back the team's files an earlier lore moved in .husky/", async () => {
    const repo = gitRepo({ 'a.txt': 'a\n' });
    run(process.execPath, [HUSKY8, 'install'], repo);
    run(process.execPath, [HUSKY8, 'add', '.husky/post-commit', 'echo team'], repo);
    git(repo, ['add', '.husky']);
    git(repo, ['commit', '-q', '--no-verify', '-m', 'team hooks']);
    const before = snapshot(join(repo, '.husky'));
    // What lore did before: the team's hook moved aside, its shims and lore-hook.sh beside it.
    const husky = join(repo, '.husky');
    renameSync(join(husky, 'post-commit'), join(husky, 'post-commit.lore-chained'));
    for (const name of ['post-commit', 'post-merge', 'post-rewrite', 'lore-hook.sh']) {
      writeFileSync(join(husky, name), readFileSync(join(defaultHookPaths().templates, name)), { mode: 0o755 });
    }
    expect((await hookStatus(repo)).map((s) => s.stale)).toEqual([true, true, true]);

    await installHooks(repo, quietPaths());
    expect(snapshot(husky)).toEqual(before);
    expect(git(repo, ['status', '--porcelain'])).toBe('');
  });
});

describe('a symlink as the existing hook', () => {
  it('is moved as a link, never written through, and put back on uninstall (dangling or not)', async () => {
    const repo = gitRepo({ 'a.txt': 'a\n' });
    const outside = mkdtempSync(join(tmpdir(), 'lore-outside-'));
    const dangling = join(outside, 'no-such-hook');
    const log = join(outside, 'ran.log');
    const real = join(outside, 'real-hook');
    writeFileSync(real, `#!/bin/sh\necho "linked $(basename "$0")" >> '${log}'\n`, { mode: 0o755 });
    symlinkSync(dangling, join(repo, '.git/hooks/post-commit'));
    symlinkSync(real, join(repo, '.git/hooks/post-merge'));
    const before = snapshot(join(repo, '.git/hooks'));
    const outsideBefore = snapshot(outside);

    const statuses = await installHooks(repo, quietPaths());
    expect(statuses.map((s) => [s.state, s.chained])).toEqual([['installed', true], ['installed', true], ['installed', false]]);
    expect(snapshot(outside)).toEqual(outsideBefore);
    expect(readlinkSync(join(repo, '.git/hooks/post-commit.lore-chained'))).toBe(dangling);

    const { sha } = userCommit(repo, 'b.txt');
    expect(queueOf(repo)).toEqual([`commit ${sha}`]);
    git(repo, ['checkout', '-q', '-b', 'topic', 'HEAD~1']);
    commit(repo, { 't.txt': 't\n' }, 'topic');
    git(repo, ['checkout', '-q', 'main']);
    git(repo, ['merge', '-q', '--no-ff', '--no-edit', 'topic']);
    expect(linesOf(log)).toEqual(['linked post-merge']);

    await uninstallHooks(repo);
    expect(snapshot(join(repo, '.git/hooks'))).toEqual(before);
    const { 'ran.log': ran, ...outsideAfter } = snapshot(outside);
    expect(ran).toBeDefined();
    expect(outsideAfter).toEqual(outsideBefore);
    expect(existsSync(dangling)).toBe(false);
  });
});

describe('a global core.hooksPath', () => {
  it('records only the repositories lore was set up in', async () => {
    const shared = mkdtempSync(join(tmpdir(), 'lore-global-hooks-'));
    const log = join(mkdtempSync(join(tmpdir(), 'lore-log-')), 'ran.log');
    writeFileSync(join(shared, 'post-commit'), `#!/bin/sh\necho "global $(basename "$0")" >> '${log}'\n`, { mode: 0o755 });
    const before = snapshot(shared);
    git(tmpdir(), ['config', '--global', 'core.hooksPath', shared]);
    try {
      const mine = gitRepo({ 'a.txt': 'a\n' });
      const other = gitRepo({ 'a.txt': 'a\n' });
      rmSync(log);
      const paths = quietPaths();
      await installHooks(mine, paths);
      expect((await hookStatus(mine, paths)).map((s) => [s.state, s.enabled])).toEqual([['installed', true], ['installed', true], ['installed', true]]);
      expect((await hookStatus(other, paths)).map((s) => [s.state, s.enabled])).toEqual([['installed', false], ['installed', false], ['installed', false]]);

      userCommit(other, 'b.txt');
      expect(existsSync(join(other, '.git/lore'))).toBe(false);
      const { sha } = userCommit(mine, 'b.txt');
      expect(queueOf(mine)).toEqual([`commit ${sha}`]);
      expect(linesOf(log)).toEqual(['global post-commit', 'global post-commit']);

      await uninstallHooks(mine, paths);
      expect(snapshot(shared)).toEqual(before);
      expect(existsSync(join(mine, '.git/lore/enabled'))).toBe(false);
    } finally {
      git(tmpdir(), ['config', '--global', '--unset', 'core.hooksPath']);
    }
  });
});

/** Installs `pkgs` with --ignore-scripts into a temp folder; undefined (with the reason) when the registry cannot be reached. */
function npmInstall(pkgs: string[]): { prefix: string } | { skip: string } {
  const prefix = mkdtempSync(join(tmpdir(), 'lore-npm-'));
  const r = spawnSync('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--prefix', prefix, ...pkgs], { encoding: 'utf8', timeout: 180_000 });
  if (r.status !== 0) return { skip: `npm install ${pkgs.join(' ')} failed (registry unreachable?): ${(r.stderr || String(r.error)).trim().split('\n').slice(-1)[0]}` };
  return { prefix };
}

/** lore's hooks installed beside a hook manager's, then one commit: the user's hook ran once and lore queued the commit. */
async function installAndCommit(repo: string, paths: HookPaths, log: string, env?: Record<string, string>): Promise<ReturnType<typeof userCommit>> {
  await installHooks(repo, paths);
  const first = userCommit(repo, 'b.txt', env);
  expect(linesOf(log)).toEqual(['user post-commit']);
  expect(queueOf(repo)).toEqual([`commit ${first.sha}`]);
  return first;
}

describe.skipIf(!SLOW)('lefthook and simple-git-hooks from the registry (LORE_SLOW=1)', () => {
  it('lefthook: its post-commit still runs, lore reinstalls after `lefthook install` moved our shim, and uninstall restores its files', async (ctx) => {
    const got = npmInstall(['lefthook']);
    if ('skip' in got) return ctx.skip(got.skip);
    const bin = join(got.prefix, 'node_modules/.bin/lefthook');
    const repo = gitRepo({ 'a.txt': 'a\n' });
    const log = join(mkdtempSync(join(tmpdir(), 'lore-log-')), 'ran.log');
    commit(repo, { 'lefthook.yml': `post-commit:\n  commands:\n    user:\n      run: echo "user post-commit" >> '${log}'\n` }, 'lefthook config');
    const env = { LEFTHOOK_BIN: bin };
    run(bin, ['install'], repo, env);
    rmSync(log, { force: true });
    const paths = quietPaths();
    const pristine = snapshot(join(repo, '.git/hooks'));

    const first = await installAndCommit(repo, paths, log, env);

    // lefthook install again: our shim is not lefthook's, so it becomes post-commit.old.
    run(bin, ['install'], repo, env);
    const regenerated = snapshot(join(repo, '.git/hooks'));
    expect((await hookStatus(repo, paths))[0]!.state).toBe('foreign');
    await installHooks(repo, paths);
    const second = userCommit(repo, 'c.txt', env);
    expect(linesOf(log)).toHaveLength(2);
    expect(queueOf(repo)).toEqual([`commit ${first.sha}`, `commit ${second.sha}`]);

    await uninstallHooks(repo, paths);
    // Every byte as before, and the copy of our shim lefthook made (its to restore on `lefthook uninstall`).
    expect(snapshot(join(repo, '.git/hooks'))).toEqual({ ...pristine, 'post-commit.old': regenerated['post-commit.old'] });
    // lefthook's copy of our shim stays lefthook's; without lore-hook.sh it is silent.
    const r = spawnSync('sh', [join(repo, '.git/hooks/post-commit.old')], { cwd: repo, encoding: 'utf8' });
    expect({ code: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ code: 0, stdout: '', stderr: '' });
    // (lefthook prints its own summary on stderr: only an error from our side would fail here.)
    expect(userCommit(repo, 'd.txt', env).stderr).not.toMatch(/lore|cannot open|not found/);
    expect(linesOf(log)).toHaveLength(3);
  });

  it('simple-git-hooks: its post-commit still runs, lore reinstalls after it rewrote and deleted hooks, and uninstall restores its files', async (ctx) => {
    const got = npmInstall(['simple-git-hooks']);
    if ('skip' in got) return ctx.skip(got.skip);
    const cli = join(got.prefix, 'node_modules/simple-git-hooks/cli.js');
    const repo = gitRepo({ 'a.txt': 'a\n' });
    const log = join(mkdtempSync(join(tmpdir(), 'lore-log-')), 'ran.log');
    commit(repo, { 'package.json': JSON.stringify({ name: 'x', 'simple-git-hooks': { 'post-commit': `echo "user post-commit" >> '${log}'` } }) }, 'config');
    run(process.execPath, [cli], repo);
    rmSync(log, { force: true });
    const paths = quietPaths();
    const pristine = snapshot(join(repo, '.git/hooks'));

    const first = await installAndCommit(repo, paths, log);

    // Run again (a postinstall): it rewrites post-commit and deletes the hooks it does not configure.
    run(process.execPath, [cli], repo);
    expect((await hookStatus(repo, paths)).map((s) => s.state)).toEqual(['foreign', 'missing', 'missing']);
    await installHooks(repo, paths);
    const second = userCommit(repo, 'c.txt');
    expect(linesOf(log)).toHaveLength(2);
    expect(queueOf(repo)).toEqual([`commit ${first.sha}`, `commit ${second.sha}`]);

    await uninstallHooks(repo, paths);
    expect(snapshot(join(repo, '.git/hooks'))).toEqual(pristine);
  });
});

/** The pre-commit framework on PATH (Debian's `pre-commit` package; .ci/run installs it when it can). */
const PRE_COMMIT = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' }).status === 0;

describe('pre-commit (the framework), with a post-commit stage hook', () => {
  it("keeps running the user's hook, reinstalls after `pre-commit install` moved our shim to .legacy, and uninstall restores its files", async (ctx) => {
    if (!PRE_COMMIT) return ctx.skip('pre-commit is not installed (apt-get install pre-commit)');
    const repo = gitRepo({ 'a.txt': 'a\n' });
    const tmp = mkdtempSync(join(tmpdir(), 'lore-pre-commit-'));
    const log = join(tmp, 'ran.log');
    // A local hook of language `system`: pre-commit needs no network for it. Its cache lives in the test's temp folder.
    const config = ['repos:', '- repo: local', '  hooks:', '  - id: user', '    name: user post-commit', `    entry: sh -c 'echo "user post-commit" >> ${log}'`, '    language: system', '    stages: [post-commit]', '    always_run: true', '    pass_filenames: false', ''].join('\n');
    commit(repo, { '.pre-commit-config.yaml': config }, 'pre-commit config');
    const env = { PRE_COMMIT_HOME: join(tmp, 'cache') };
    run('pre-commit', ['install', '--hook-type', 'post-commit'], repo, env);
    const paths = quietPaths();
    const pristine = snapshot(join(repo, '.git/hooks'));

    const first = await installAndCommit(repo, paths, log, env);

    // `pre-commit install` again (a new clone's setup step): our shim is not its hook, so it becomes
    // post-commit.legacy, which pre-commit's hook runs first ("migration mode").
    run('pre-commit', ['install', '--hook-type', 'post-commit'], repo, env);
    expect(existsSync(join(repo, '.git/hooks/post-commit.legacy'))).toBe(true);
    const second = userCommit(repo, 'c.txt', env);
    expect(second.stderr).not.toMatch(/bug|lore/);
    expect(linesOf(log)).toHaveLength(2); // once: pre-commit's own older hook, chained by lore, is not run again
    expect(queueOf(repo)).toEqual([`commit ${first.sha}`, `commit ${second.sha}`]);
    expect((await hookStatus(repo, paths))[0]!.state).toBe('foreign');
    await installHooks(repo, paths);
    const third = userCommit(repo, 'd.txt', env);
    expect(linesOf(log)).toHaveLength(3); // the user's hook ran once, not once per layer
    expect(queueOf(repo)).toEqual([`commit ${first.sha}`, `commit ${second.sha}`, `commit ${third.sha}`]);

    expect(existsSync(join(repo, '.git/hooks/post-commit.legacy'))).toBe(false); // our old copy: it would record twice

    await uninstallHooks(repo, paths);
    expect(snapshot(join(repo, '.git/hooks'))).toEqual(pristine);
    const last = userCommit(repo, 'e.txt', env);
    expect(last.stderr).not.toMatch(/lore|cannot open|not found|bug/);
    expect(linesOf(log)).toHaveLength(4);
    expect(queueOf(repo)).toHaveLength(3);
    expect(git(repo, ['status', '--porcelain'])).toBe('');
  });
});
