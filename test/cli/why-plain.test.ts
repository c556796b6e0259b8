import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { commit, gitRepo } from '../helpers/git-repo.js';

describe('lore why on a file with no recorded requests', () => {
  it('says "no recorded request" once, and says nothing of imports for a non-code file', () => {
    const repo = gitRepo({ 'README.md': '# one\n' }, 'start the readme');
    commit(repo, { 'README.md': '# one\ntwo\n' }, 'second line');
    commit(repo, { 'README.md': '# one\ntwo\nthree\n' }, 'third line');
    const r = runCli(['why', 'README.md'], { cwd: repo });
    expect(r.code).toBe(0);
    expect(r.stdout.match(/no recorded request/g)).toHaveLength(2); // summary: origin and changes
    expect(r.stdout.split('\n')[1]).toBe('Created 2026-01-01 with no recorded request; changed twice, no recorded request');
    expect(r.stdout).not.toMatch(/import/i);
  });

  it('keeps the import line for a code file', () => {
    const repo = gitRepo({ 'src/a.ts': 'export const a = 1\n' }, 'add a');
    const r = runCli(['why', 'src/a.ts'], { cwd: repo });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/import/i);
  });
});

describe('lore why on a deleted file', () => {
  it('says when it was deleted instead of flagging that nothing imports it', () => {
    const repo = gitRepo({ 'src/a.ts': 'export const a = 1\n', 'src/b.ts': "import { a } from './a.js';\n" }, 'add a and b');
    commit(repo, { 'src/a.ts': null, 'src/b.ts': 'export const b = 2\n' }, 'drop a', { date: '2026-02-03T04:05:06Z' });
    expect(runCli(['index', '--wait', '-q'], { cwd: repo }).code).toBe(0);
    const r = runCli(['why', 'src/a.ts'], { cwd: repo });
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[1]).toBe('Created 2026-01-01 with no recorded request; changed once, no recorded request; deleted 2026-02-03');
    expect(r.stdout).not.toMatch(/nothing imports|Imports/);
    const json = JSON.parse(runCli(['why', 'src/a.ts', '--json'], { cwd: repo }).stdout) as { graph: { deleted: boolean; unreferenced: boolean } };
    expect(json.graph).toMatchObject({ deleted: true, unreferenced: false });
    const kept = JSON.parse(runCli(['why', 'src/b.ts', '--json'], { cwd: repo }).stdout) as { graph: { deleted: boolean } };
    expect(kept.graph.deleted).toBe(false);
  });
});
