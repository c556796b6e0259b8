import { mkdirSync, mkdtempSync, realpathSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli } from '../helpers/cli.js';
import { commit, git, gitRepo } from '../helpers/git-repo.js';

// `lore why` over git history alone (no chats): origin through renames, blame, --json, --all,
// subdirectories, and `git lore` as a git extension. Each test gets its own LORE_HOME.
const home = () => ({ LORE_HOME: realpathSync(mkdtempSync(join(tmpdir(), 'lore-home-'))) });

let repo: string;
const sha: Record<string, string> = {};

beforeAll(() => {
  repo = gitRepo({ 'src/parse.ts': 'export const a = 1;\nexport const b = 2;\nexport const c = 3;\n' }, 'create the parser');
  sha.create = git(repo, ['rev-parse', 'HEAD']).trim();
  commit(repo, { 'README.md': '# demo\n' }, 'readme', { author: 'Other Person' });
  sha.rename = commit(repo, { 'src/parse.ts': null, 'lib/parser.ts': 'export const a = 1;\nexport const b = 2;\nexport const c = 3;\n' }, 'move the parser to lib');
  sha.edit = commit(repo, { 'lib/parser.ts': 'export const a = 1;\nexport const b = 20;\nexport const c = 3;\n' }, 'change b\n\nBecause twenty is the answer here.', {
    author: 'Grace Hopper',
  });
  sha.last = commit(repo, { 'lib/parser.ts': 'export const a = 1;\nexport const b = 20;\nexport const c = 30;\n' }, 'change c');
});

describe('lore why over git history', () => {
  it('names the true origin of a renamed file and every later change, newest first', () => {
    const r = runCli(['why', 'lib/parser.ts'], { cwd: repo, env: home() });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('lib/parser.ts  4 commits');
    // Other sections (requests, decisions, imports) may sit between these lines: find them by content.
    const at = (prefix: string) => lines.findIndex((l) => l.startsWith(prefix));
    const origin = lines.indexOf('Origin');
    const createdLine = at(`  ${sha.create!.slice(0, 10)}  `);
    expect(createdLine).toBe(origin + 1);
    expect(lines[createdLine]).toMatch(/  \d{4}-\d\d-\d\d  Test Author\s+create the parser$/);
    expect(lines.indexOf('  created as src/parse.ts')).toBeGreaterThan(createdLine);
    const since = lines.indexOf('Changes since, newest first (3)');
    expect(since).toBeGreaterThan(origin);
    const order = [sha.last, sha.edit, sha.rename].map((s) => at(`  ${s!.slice(0, 10)}  `));
    expect(order[0]).toBeGreaterThan(since);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(lines[order[2]!]).toContain('move the parser to lib (renamed from src/parse.ts)');
    expect(r.stdout).not.toContain('README');
  });

  it('puts the commit that last touched FILE:LINE first', () => {
    const r = runCli(['why', 'lib/parser.ts:2'], { cwd: repo, env: home() });
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('lib/parser.ts:2  4 commits');
    const blamed = lines.indexOf('Line 2 last changed');
    expect(blamed).toBeGreaterThan(0);
    expect(lines[blamed + 1]).toMatch(new RegExp(`^  ${sha.edit!.slice(0, 10)}  .*Grace Hopper\\s+change b$`));
    expect(runCli(['why', 'lib/parser.ts:1'], { cwd: repo, env: home() }).stdout.split('\n')[lines.indexOf('Line 2 last changed') + 1]).toContain(sha.create!.slice(0, 10));
    expect(blamed).toBeLessThan(lines.indexOf('Origin'));
  });

  it('prints full commit messages with --all', () => {
    const r = runCli(['why', 'lib/parser.ts', '--all'], { cwd: repo, env: home() });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('      Because twenty is the answer here.');
    expect(runCli(['why', 'lib/parser.ts'], { cwd: repo, env: home() }).stdout).not.toContain('Because twenty');
  });

  it('gives the same answer as --json, in the documented shape', () => {
    const r = runCli(['why', 'lib/parser.ts:3', '--json'], { cwd: repo, env: home() });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ project: repo, file: 'lib/parser.ts', line: 3, total: 4 });
    expect(j.schema).toMatch(/^lore\.why\/\d+$/);
    expect(j.origin).toMatchObject({ sha: sha.create, author: 'Test Author', email: 'author@example.com', subject: 'create the parser', status: 'A', path: 'src/parse.ts', oldPath: null, added: 3, removed: 0 });
    expect(j.origin.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(j.blamed).toMatchObject({ sha: sha.last, subject: 'change c' });
    expect(j.changes.map((c: { sha: string }) => c.sha)).toEqual([sha.last, sha.edit, sha.rename, sha.create]);
    expect(j.changes[2]).toMatchObject({ status: 'R', path: 'lib/parser.ts', oldPath: 'src/parse.ts', added: 0, removed: 0 });
    expect(j.changes[1]).toMatchObject({ status: 'M', body: 'Because twenty is the answer here.', added: 1, removed: 1 });
  });

  it('takes a path relative to a subdirectory, and -C', () => {
    mkdirSync(join(repo, 'lib/sub'), { recursive: true });
    const env = home();
    const fromSub = runCli(['why', '../parser.ts', '--json'], { cwd: join(repo, 'lib/sub'), env });
    expect(fromSub.code).toBe(0);
    expect(JSON.parse(fromSub.stdout).file).toBe('lib/parser.ts');
    const withC = runCli(['-C', repo, 'why', 'lib/parser.ts', '--json'], { cwd: tmpdir(), env });
    expect(withC.code).toBe(0);
    expect(JSON.parse(withC.stdout).total).toBe(4);
  });

  it('works as a git extension: `git lore why FILE` with git-lore on PATH', () => {
    const bin = mkdtempSync(join(tmpdir(), 'lore-bin-'));
    symlinkSync(CLI, join(bin, 'git-lore'));
    mkdirSync(join(repo, 'lib/sub'), { recursive: true });
    const env = { ...process.env, ...home(), PATH: `${bin}${delimiter}${process.env.PATH}` };
    const r = spawnSync('git', ['lore', 'why', '../parser.ts'], { cwd: join(repo, 'lib/sub'), env, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('lib/parser.ts  4 commits');
    expect(r.stdout).toContain('created as src/parse.ts');
    const v = spawnSync('git', ['lore', '--version'], { cwd: repo, env, encoding: 'utf8' });
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('keeps the earlier life of a file deleted and added again, as git log --follow does', () => {
    const r2 = gitRepo({ 'tests/old/t.py': 'def test_a():\n    pass\n' }, 'first tests');
    const born = git(r2, ['rev-parse', 'HEAD']).trim();
    const moved = commit(r2, { 'tests/old/t.py': null, 'tests/t.py': 'def test_a():\n    pass\n' }, 'move the tests');
    const gone = commit(r2, { 'tests/t.py': null, 'README.md': 'x\n' }, 'clean up');
    const back = commit(r2, { 'tests/t.py': 'def test_b():\n    assert True\n' }, 'add tests again');
    const gitShas = git(r2, ['log', '--follow', '--format=%H', '--', 'tests/t.py']).trim().split('\n');
    const j = JSON.parse(runCli(['why', 'tests/t.py', '--json'], { cwd: r2, env: home() }).stdout);
    expect(j.changes.map((c: { sha: string }) => c.sha)).toEqual([back, gone, moved, born]);
    expect(j.changes.map((c: { sha: string }) => c.sha)).toEqual(gitShas);
    expect(j.changes[1]).toMatchObject({ status: 'D', path: 'tests/t.py' });
    expect(j.origin).toMatchObject({ sha: born, path: 'tests/old/t.py' });
  });

  it('indexes incrementally: a new commit shows up on the next run', () => {
    const env = home();
    expect(JSON.parse(runCli(['why', 'lib/parser.ts', '--json'], { cwd: repo, env }).stdout).total).toBe(4);
    const repo2 = gitRepo({ 'x.ts': '1\n' }, 'x');
    const next = commit(repo2, { 'x.ts': '2\n' }, 'x again');
    const r = runCli(['why', 'x.ts', '--json'], { cwd: repo2, env });
    expect(JSON.parse(r.stdout).changes[0].sha).toBe(next);
    const again = commit(repo2, { 'x.ts': '3\n' }, 'x third');
    expect(JSON.parse(runCli(['why', 'x.ts', '--json'], { cwd: repo2, env }).stdout).changes.map((c: { sha: string }) => c.sha)[0]).toBe(again);
  });
});
