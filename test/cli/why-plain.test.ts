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
