import { describe, expect, it } from 'vitest';
import { fastIndexArgs } from '../../src/cli/fast-path.js';
import { runCli } from '../helpers/cli.js';
import { gitRepo } from '../helpers/git-repo.js';
import { mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('fastIndexArgs (lore index without yargs)', () => {
  it('takes the plain index command lines', () => {
    expect(fastIndexArgs(['index'])).toEqual({});
    expect(fastIndexArgs(['index', '--json', '--wait', '-q'])).toEqual({ json: true, wait: true, quiet: true });
    expect(fastIndexArgs(['-C', '/r', 'index', '--db=/x/lore.db', '--quiet'])).toEqual({ C: '/r', db: '/x/lore.db', quiet: true });
  });

  it('leaves everything else to the full parser', () => {
    for (const argv of [[], ['index', 'x'], ['index', '--help'], ['index', '-h'], ['index', '--wiat'], ['index', '--no-wait'], ['index', '--json=false'], ['index', '--db'], ['ingest'], ['why', 'index']]) {
      expect(fastIndexArgs(argv), argv.join(' ')).toBeUndefined();
    }
  });

  it('gives the same output as the full parser, and a usage error for a misspelt option', () => {
    const repo = gitRepo({ 'a.ts': 'a\n' });
    const env = { LORE_HOME: realpathSync(mkdtempSync(join(tmpdir(), 'lore-home-'))) };
    const fast = runCli(['index'], { cwd: repo, env });
    expect(fast).toMatchObject({ code: 0, stderr: '' });
    expect(fast.stdout).toMatch(new RegExp(`^indexed 1 new commit \\(1 in all\\) for ${repo}\n`));
    // -C before the command goes through the fast path too; --db=... as well.
    const again = runCli(['-C', repo, 'index', '--json', `--db=${join(env.LORE_HOME, 'lore.db')}`], { cwd: tmpdir(), env });
    expect(JSON.parse(again.stdout)).toMatchObject({ schema: 'lore.index/1', project: repo, commitsAdded: 0, commitsTotal: 1 });
    const wrong = runCli(['index', '--wiat'], { cwd: repo, env });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/^lore: Unknown argument: wiat\n/);
  });

  it('prints byte for byte what the full parser prints, from a fresh database and an indexed one, and the same errors', () => {
    const repo = gitRepo({ 'a.ts': 'export const a = 1;\n', 'b.ts': "import { a } from './a';\n" }, 'add a and b');
    const env = { LORE_HOME: realpathSync(mkdtempSync(join(tmpdir(), 'lore-home-'))) };
    // --no-wait is not among the fast path's options: the same command line goes through yargs.
    const index = (db: string, ...args: string[]) => runCli(['index', `--db=${join(env.LORE_HOME, db)}`, ...args], { cwd: repo, env });
    for (let i = 0; i < 2; i++) {
      const fast = index('fast.db');
      expect(fast).toMatchObject({ code: 0, stderr: '' });
      expect(fast).toEqual(index('full.db', '--no-wait'));
      const withoutMs = (r: { stdout: string }) => {
        const { ms: _ms, database: _db, importGraph, ...rest } = JSON.parse(r.stdout);
        return { ...rest, importGraph: { ...importGraph, ms: undefined } };
      };
      expect(withoutMs(index('fast.db', '--json'))).toEqual(withoutMs(index('full.db', '--json', '--no-wait')));
    }
    expect(index('fast.db').stdout).toBe(`indexed 0 new commits (1 in all) for ${repo}\nimport graph: 2 TS/JS files, 1 edge (0 parsed now)\nchats: nothing new (0 transcript files unchanged)\n`);
    const outside = mkdtempSync(join(tmpdir(), 'lore-nogit-'));
    const fastError = runCli(['index'], { cwd: outside, env });
    expect(fastError.code).toBe(2);
    expect(fastError.stderr).toMatch(/^lore: .* is not inside a git work tree\n/);
    expect(runCli(['index', '--no-wait'], { cwd: outside, env })).toEqual(fastError);
  });
});
