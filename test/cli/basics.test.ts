import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { commit, git, gitRepo } from '../helpers/git-repo.js';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
const freshEnv = () => {
  const home = realpathSync(mkdtempSync(join(tmpdir(), 'lore-home-')));
  return { env: { LORE_HOME: home }, db: join(home, 'lore.db') };
};

describe('lore --version, --help, completion', () => {
  it('prints the package version', () => {
    const r = runCli(['--version'], { cwd: tmpdir() });
    expect(r).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
    expect(runCli(['-v'], { cwd: tmpdir() }).stdout).toBe(`${pkg.version}\n`);
  });

  it('lists the commands with --help, and a command its options', () => {
    const r = runCli(['--help'], { cwd: tmpdir() });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    for (const c of ['why <target>', 'init', 'index', 'hook <action>', 'doctor', 'completion']) expect(r.stdout).toContain(`lore ${c}`);
    const why = runCli(['why', '--help'], { cwd: tmpdir() });
    expect(why.code).toBe(0);
    expect(why.stdout).toContain('--json');
    expect(why.stdout).toContain('--all');
  });

  it('prints a bash completion script that completes lore', () => {
    const r = runCli(['completion'], { cwd: tmpdir(), env: { SHELL: '/bin/bash' } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('###-begin-lore-completions-###');
    expect(r.stdout).toContain('complete -o bashdefault -o default -F _lore_yargs_completions lore');
    const words = runCli(['--get-yargs-completions', 'lore', 'ho'], { cwd: tmpdir() });
    expect(words.stdout.split('\n')).toContain('hook');
  });
});

describe('--json of index, init, hook and doctor', () => {
  it('lore init installs hooks, creates the database and backfills, in the documented shape', () => {
    const repo = gitRepo({ 'a.ts': 'a\n' });
    commit(repo, { 'b.ts': 'b\n' }, 'second');
    const { env, db } = freshEnv();
    const r = runCli(['init', '--json'], { cwd: repo, env });
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ schema: 'lore.init/1', project: repo, database: db, commitsAdded: 2, commitsTotal: 2 });
    expect(j.hooks.map((h: { name: string; state: string }) => [h.name, h.state])).toEqual([
      ['post-commit', 'installed'],
      ['post-merge', 'installed'],
      ['post-rewrite', 'installed'],
    ]);
    expect(statSync(db).mode & 0o777).toBe(0o600);
  });

  it('lore init -q sets up the same and prints nothing', () => {
    const repo = gitRepo({ 'a.ts': 'a\n' });
    const { env, db } = freshEnv();
    const r = runCli(['init', '-q'], { cwd: repo, env });
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(statSync(db).mode & 0o777).toBe(0o600);
    expect(JSON.parse(runCli(['index', '--json'], { cwd: repo, env }).stdout)).toMatchObject({ commitsAdded: 0, commitsTotal: 1 });
    expect(runCli(['hook', 'status', '--json'], { cwd: repo, env }).stdout).toContain('"installed"');
  });

  it('lore index reports what it added, then nothing the second time', () => {
    const repo = gitRepo({ 'a.ts': 'a\n' });
    const { env } = freshEnv();
    const first = JSON.parse(runCli(['index', '--json'], { cwd: repo, env }).stdout);
    expect(first).toMatchObject({ schema: 'lore.index/1', project: repo, commitsAdded: 1, commitsTotal: 1, hookEvents: 0, detailsPending: 0, detailsInBackground: false });
    expect(Object.keys(first.ms)).toEqual(['start', 'open', 'commits', 'details', 'chats', 'links', 'importGraph', 'vectors', 'provenance', 'total']);
    expect(first.ms.total).toBeGreaterThanOrEqual(first.ms.start + first.ms.commits);
    commit(repo, { 'a.ts': 'a2\n' }, 'again');
    const second = JSON.parse(runCli(['index', '--json'], { cwd: repo, env }).stdout);
    expect(second).toMatchObject({ commitsAdded: 1, commitsTotal: 2 });
    expect(JSON.parse(runCli(['index', '--json'], { cwd: repo, env }).stdout)).toMatchObject({ commitsAdded: 0, commitsTotal: 2 });
    expect(runCli(['index'], { cwd: repo, env }).stdout).toMatch(new RegExp(`^indexed 0 new commits \\(2 in all\\) for ${repo}\n`));
  });

  it('lore hook install/status/uninstall, as text and --json', () => {
    const repo = gitRepo({ 'a.ts': 'a\n' });
    const { env } = freshEnv();
    const installed = runCli(['hook', 'install', '--json'], { cwd: repo, env });
    expect(installed.code).toBe(0);
    const j = JSON.parse(installed.stdout);
    expect(Object.keys(j)).toEqual(['schema', 'project', 'hooks']);
    expect(j).toMatchObject({ schema: 'lore.hook/1', project: repo });
    expect(j.hooks.map((h: { name: string; state: string; chained: boolean; stale: boolean; path: string }) => [h.name, h.state, h.chained, h.stale, h.path])).toEqual(
      ['post-commit', 'post-merge', 'post-rewrite'].map((n) => [n, 'installed', false, false, join(repo, '.git/hooks', n)]),
    );
    const statusJson = JSON.parse(runCli(['hook', 'status', '--json'], { cwd: repo, env }).stdout);
    expect(statusJson).toEqual(j);
    const status = runCli(['hook', 'status'], { cwd: repo, env });
    expect(status.stdout).toMatch(/^post-commit +installed +\S*\.git\/hooks\/post-commit$/m);
    const removed = runCli(['hook', 'uninstall'], { cwd: repo, env });
    expect(removed.stdout).toMatch(/^post-commit +missing /m);
    expect(existsSync(join(repo, '.git/hooks/post-commit'))).toBe(false);
    const after = JSON.parse(runCli(['hook', 'uninstall', '--json'], { cwd: repo, env }).stdout);
    expect(after.schema).toBe('lore.hook/1');
    expect(after.hooks.map((h: { state: string }) => h.state)).toEqual(['missing', 'missing', 'missing']);
  });

  it('lore init --no-hooks --json carries the schema and no hooks', () => {
    const repo = gitRepo({ 'a.ts': 'a\n' });
    const { env } = freshEnv();
    const j = JSON.parse(runCli(['init', '--no-hooks', '--json'], { cwd: repo, env }).stdout);
    expect(j).toMatchObject({ schema: 'lore.init/1', project: repo, hooks: [], commitsAdded: 1, commitsTotal: 1 });
    expect(existsSync(join(repo, '.git/hooks/post-commit'))).toBe(false);
  });

  it('lore doctor says what is missing (exit 1), then all is well after init (exit 0)', () => {
    const repo = gitRepo({ 'a.ts': 'a\n' });
    const { env, db } = freshEnv();
    const before = runCli(['doctor', '--json'], { cwd: repo, env });
    expect(before.code).toBe(1);
    expect(JSON.parse(before.stdout)).toMatchObject({ schema: 'lore.doctor/1', database: db, project: repo, healthy: false });
    expect(existsSync(db)).toBe(false);
    expect(runCli(['init'], { cwd: repo, env }).code).toBe(0);
    const after = runCli(['doctor', '--json'], { cwd: repo, env });
    const report = JSON.parse(after.stdout);
    expect(report.checks.filter((c: { ok: boolean }) => !c.ok)).toEqual([]);
    expect(after.code).toBe(0);
    expect(report.checks.map((c: { name: string }) => c.name)).toEqual(expect.arrayContaining(['integrity', 'schema', 'index lag', 'hook queue', 'hooks']));
  });
});

describe('the installed hook, end to end', () => {
  it('is skipped with LORE=0 and indexes the commit otherwise', async () => {
    const repo = gitRepo({ 'a.ts': 'a\n' });
    const { env } = freshEnv();
    expect(runCli(['init'], { cwd: repo, env }).code).toBe(0);
    const gitEnv = { ...process.env, ...env };
    execFileSync('git', ['commit', '-q', '--allow-empty', '-m', 'skipped by LORE=0'], { cwd: repo, env: { ...gitEnv, LORE: '0' } });
    expect(existsSync(join(repo, '.git/lore/queue'))).toBe(false);
    execFileSync('git', ['commit', '-q', '--allow-empty', '-m', 'seen'], { cwd: repo, env: gitEnv });
    const head = git(repo, ['rev-parse', 'HEAD']).trim();
    expect(readFileSync(join(repo, '.git/lore/queue'), 'utf8')).toBe(`commit ${head}\n`);
  });
});
