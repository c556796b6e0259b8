import { existsSync, mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NotAGitRepoError } from '../../src/errors.js';
import { findRepo, findRepoOnDisk, headShaOnDisk, workTreeStamp } from '../../src/git/index.js';
import { commonDirOnDisk } from '../../src/repo-dir.js';
import { commit, git, gitRepo } from '../helpers/git-repo.js';

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

describe('commonDirOnDisk (no git process)', () => {
  it('agrees with git for a plain repository, a linked worktree and a submodule, and is undefined outside one', async () => {
    const repo = gitRepo({ 'src/a.ts': 'a\n' });
    const wt = join(realpathSync(mkdtempSync(join(tmpdir(), 'lore-wt-'))), 'wt');
    git(repo, ['worktree', 'add', '-q', wt, '-b', 'other']);
    mkdirSync(join(wt, 'sub'));
    const outer = gitRepo({ 'x.txt': 'x\n' });
    git(outer, ['-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', repo, 'mod']);
    for (const cwd of [repo, join(repo, 'src'), wt, join(wt, 'sub'), join(outer, 'mod'), join(outer, 'mod', 'src')]) {
      expect(commonDirOnDisk(cwd), cwd).toBe((await findRepo(cwd)).commonDir);
    }
    expect(commonDirOnDisk(mkdtempSync(join(tmpdir(), 'lore-nogit-')))).toBeUndefined();
  });
});

describe('findRepoOnDisk (no git process)', () => {
  it('agrees with git for a plain repository, from the top and from a subdirectory', async () => {
    const repo = gitRepo({ 'src/deep/a.ts': 'a\n' });
    for (const cwd of [repo, join(repo, 'src/deep')]) {
      expect(findRepoOnDisk(cwd)).toEqual(await findRepo(cwd));
    }
  });

  it('leaves to git what it cannot judge alone: worktrees, GIT_DIR, a cwd inside .git, a bare repository', () => {
    const repo = gitRepo({ 'a.ts': 'a\n' });
    const wt = join(realpathSync(mkdtempSync(join(tmpdir(), 'lore-wt-'))), 'wt');
    git(repo, ['worktree', 'add', '-q', wt, '-b', 'other']);
    expect(findRepoOnDisk(wt)).toBeUndefined();
    expect(findRepoOnDisk(join(repo, '.git'))).toBeUndefined();
    expect(findRepoOnDisk(join(repo, '.git/refs'))).toBeUndefined();
    const bare = realpathSync(mkdtempSync(join(tmpdir(), 'lore-bare-')));
    git(bare, ['init', '-q', '--bare']);
    expect(findRepoOnDisk(bare)).toBeUndefined();
    process.env.GIT_DIR = join(repo, '.git');
    try {
      expect(findRepoOnDisk(repo)).toBeUndefined();
    } finally {
      delete process.env.GIT_DIR;
    }
  });

  it('finds nothing outside a repository', () => {
    expect(findRepoOnDisk(mkdtempSync(join(tmpdir(), 'lore-nogit-')))).toBeUndefined();
  });
});

describe('headShaOnDisk (no git process)', () => {
  const revParse = (dir: string): string => git(dir, ['rev-parse', 'HEAD']).trim();

  it('reads a loose branch ref, a packed one, and a detached HEAD as git does', async () => {
    const repo = gitRepo({ 'a.ts': 'a\n' });
    commit(repo, { 'a.ts': 'b\n' }, 'second');
    const info = await findRepo(repo);
    expect(headShaOnDisk(info)).toBe(revParse(repo));
    git(repo, ['pack-refs', '--all']);
    expect(existsSync(join(repo, '.git/refs/heads/main'))).toBe(false);
    expect(headShaOnDisk(info)).toBe(revParse(repo));
    git(repo, ['checkout', '-q', '--detach', 'HEAD~1']);
    expect(headShaOnDisk(info)).toBe(revParse(repo));
  });

  it('reads a linked worktree HEAD from its own git dir and the branch from the common dir', async () => {
    const repo = gitRepo({ 'a.ts': 'a\n' });
    const wt = join(realpathSync(mkdtempSync(join(tmpdir(), 'lore-wt-'))), 'wt');
    git(repo, ['worktree', 'add', '-q', wt, '-b', 'other']);
    commit(wt, { 'b.ts': 'b\n' }, 'on other');
    expect(headShaOnDisk(await findRepo(wt))).toBe(revParse(wt));
    expect(headShaOnDisk(await findRepo(repo))).toBe(revParse(repo));
  });

  it('says nothing on an unborn branch (git then answers: no commits)', async () => {
    const repo = gitRepo();
    expect(headShaOnDisk(await findRepo(repo))).toBeUndefined();
  });
});

describe('workTreeStamp', () => {
  it('changes when a file is staged or committed, not when a file is only edited', async () => {
    const repo = gitRepo({ 'a.ts': 'a\n' });
    const info = await findRepo(repo);
    const first = workTreeStamp(info);
    expect(first).toMatch(/^[0-9a-f]{40}:/);
    writeFileSync(join(repo, 'a.ts'), 'edited\n');
    expect(workTreeStamp(info)).toBe(first);
    await new Promise((r) => setTimeout(r, 20));
    git(repo, ['add', 'a.ts']);
    const staged = workTreeStamp(info);
    expect(staged).not.toBe(first);
    commit(repo, {}, 'edit');
    expect(workTreeStamp(info)).not.toBe(staged);
  });
});
