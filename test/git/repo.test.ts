import { mkdirSync, mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NotAGitRepoError } from '../../src/errors.js';
import { findRepo } from '../../src/git/index.js';
import { git, gitRepo } from '../helpers/git-repo.js';

describe('findRepo', () => {
  it('finds the top level, git dir and common dir from a subdirectory', async () => {
    const repo = gitRepo({ 'src/deep/a.ts': 'a\n' });
    const r = await findRepo(join(repo, 'src/deep'));
    expect(r).toEqual({ root: repo, gitDir: join(repo, '.git'), commonDir: join(repo, '.git') });
  });

  it('gives a linked worktree its own git dir and the main repository as common dir', async () => {
    const repo = gitRepo({ 'a.ts': 'a\n' });
    const wt = join(realpathSync(mkdtempSync(join(tmpdir(), 'lore-wt-'))), 'wt');
    git(repo, ['worktree', 'add', '-q', wt, '-b', 'other']);
    mkdirSync(join(wt, 'sub'));
    const r = await findRepo(join(wt, 'sub'));
    expect(r.root).toBe(wt);
    expect(r.gitDir).toBe(join(repo, '.git/worktrees/wt'));
    expect(r.commonDir).toBe(join(repo, '.git'));
  });

  it('throws NotAGitRepoError outside a repository', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lore-nogit-'));
    await expect(findRepo(dir)).rejects.toBeInstanceOf(NotAGitRepoError);
  });
});
