import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { gitRepo } from '../helpers/git-repo.js';

// Every error a user can cause: one line and a hint on stderr, exit 2, nothing on stdout, and
// nothing written: no database file appears when the input was wrong.
function freshHome(): { env: { LORE_HOME: string }; db: string; home: string } {
  const home = realpathSync(mkdtempSync(join(tmpdir(), 'lore-home-')));
  return { env: { LORE_HOME: join(home, 'lore') }, db: join(home, 'lore', 'lore.db'), home };
}

const repoWithFiles = () => gitRepo({ 'src/parser.ts': 'a\nb\nc\n', 'src/render.ts': 'r\n', 'docs/guide.md': 'g\n' });

describe('user errors', () => {
  it('outside a git repository: exit 2, one line and a hint, no database', () => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), 'lore-nogit-')));
    const { env, db } = freshHome();
    for (const args of [['why', 'x.ts'], ['index'], ['init'], ['hook', 'install']]) {
      const r = runCli(args, { cwd: dir, env });
      expect({ args, code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({
        args,
        code: 2,
        stdout: '',
        stderr: `lore: ${dir} is not inside a git work tree\nhint: run \`git init\` or cd into a repository\n`,
      });
    }
    expect(existsSync(db)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('an untracked path: suggests the closest tracked path, writes nothing', () => {
    const repo = repoWithFiles();
    const { env, db } = freshHome();
    const r = runCli(['why', 'src/parsr.ts'], { cwd: repo, env });
    expect(r).toEqual({
      code: 2,
      stdout: '',
      stderr: 'lore: src/parsr.ts is not tracked by git and has no history\nhint: did you mean: src/parser.ts\n',
    });
    const sameName = runCli(['why', 'lib/render.ts'], { cwd: repo, env });
    expect(sameName.stderr).toContain('hint: did you mean: src/render.ts\n');
    writeFileSync(join(repo, 'scratch.ts'), 'not added\n');
    const untracked = runCli(['why', 'scratch.ts'], { cwd: repo, env });
    expect(untracked.code).toBe(2);
    expect(untracked.stderr).toMatch(/^lore: scratch\.ts is not tracked by git and has no history\nhint: /);
    expect(existsSync(db)).toBe(false);
  });

  it('a line past the end of the file: says how many lines there are, writes nothing', () => {
    const repo = repoWithFiles();
    const { env, db } = freshHome();
    expect(runCli(['why', 'src/parser.ts:4'], { cwd: repo, env })).toEqual({
      code: 2,
      stdout: '',
      stderr: 'lore: src/parser.ts has 3 lines; line 4 does not exist\nhint: pass a line between 1 and 3\n',
    });
    expect(runCli(['why', 'src/parser.ts:0'], { cwd: repo, env }).stderr).toBe('lore: line numbers start at 1, got 0\nhint: use FILE:LINE with LINE ≥ 1\n');
    expect(existsSync(db)).toBe(false);
  });

  it('a path outside the repository', () => {
    const repo = repoWithFiles();
    const { env, db } = freshHome();
    const r = runCli(['why', '../elsewhere.ts'], { cwd: repo, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`lore: ../elsewhere.ts is outside the repository at ${repo}\nhint: pass a path inside the repository\n`);
    expect(existsSync(db)).toBe(false);
  });

  it('a corrupt database: exit 2, names the file, and leaves it byte-identical', () => {
    const repo = repoWithFiles();
    const { env, db } = freshHome();
    mkdirSync(join(db, '..'), { recursive: true });
    const garbage = Buffer.from('this is not a database, just some bytes\n'.repeat(200));
    writeFileSync(db, garbage);
    for (const args of [['why', 'src/parser.ts'], ['index'], ['init', '--no-hooks']]) {
      const r = runCli(args, { cwd: repo, env });
      expect({ args, code: r.code, stdout: r.stdout }).toEqual({ args, code: 2, stdout: '' });
      expect(r.stderr).toBe(
        `lore: cannot use the database at ${db}: the file is not a lore database (corrupt or foreign)\n` +
          'hint: check the file and its permissions; `lore doctor` tells more, or set LORE_HOME to use another database\n',
      );
    }
    expect(readFileSync(db)).toEqual(garbage);
    expect(readdirSync(join(db, '..'))).toEqual(['lore.db']);
    // doctor reports it (exit 1) without touching it either.
    const d = runCli(['doctor', '--json'], { cwd: repo, env });
    expect(d.code).toBe(1);
    const report = JSON.parse(d.stdout);
    expect(report.healthy).toBe(false);
    expect(report.checks[0]).toMatchObject({ name: 'database', ok: false });
    expect(readFileSync(db)).toEqual(garbage);
  });

  it('an unreadable database (a directory where the file should be): exit 2', () => {
    const repo = repoWithFiles();
    const { env, db } = freshHome();
    mkdirSync(db, { recursive: true });
    const r = runCli(['why', 'src/parser.ts'], { cwd: repo, env });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`^lore: cannot use the database at ${db}: .+\\nhint: check the file and its permissions`));
    expect(readdirSync(db)).toEqual([]);
  });

  it('an unknown command or a missing argument: usage error, exit 2', () => {
    const repo = repoWithFiles();
    const { env, db } = freshHome();
    const none = runCli([], { cwd: repo, env });
    expect(none).toEqual({ code: 2, stdout: '', stderr: 'lore: give a command; `lore why FILE` is the main one\nhint: see `lore --help`\n' });
    const missing = runCli(['why'], { cwd: repo, env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^lore: Not enough non-option arguments/);
    const unknown = runCli(['frobnicate'], { cwd: repo, env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^lore: Unknown argument: frobnicate\n/);
    // A value not among an option's choices: yargs's message on one line, then the hint.
    const choice = runCli(['search', 'x', '--mode', 'bad'], { cwd: repo, env });
    expect(choice.code).toBe(2);
    expect(choice.stderr).toBe('lore: Invalid values: Argument: mode, Given: "bad", Choices: "hybrid", "fts", "vector"\nhint: see `lore --help`\n');
    expect(existsSync(db)).toBe(false);
  });
});
