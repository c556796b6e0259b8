import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { NotAGitRepoError } from '../errors.js';
import { git, gitRaw } from './run.js';

export interface RepoInfo {
  /** Realpath of the work tree's top-level directory: the project_path everywhere in the db. */
  root: string;
  /** Absolute git directory (for worktrees, the worktree's own). */
  gitDir: string;
  /** Absolute common git directory (shared by worktrees): where lore keeps its hook queue. */
  commonDir: string;
}

/** Finds the repository that contains `cwd`, or throws NotAGitRepoError. */
export async function findRepo(cwd: string): Promise<RepoInfo> {
  const r = await gitRaw(cwd, ['rev-parse', '--show-toplevel', '--absolute-git-dir', '--git-common-dir']).catch(() => undefined);
  if (!r || r.code !== 0) throw new NotAGitRepoError(cwd);
  const [top, gitDir, commonDirRaw] = r.stdout.trim().split('\n');
  if (!top || !gitDir) throw new NotAGitRepoError(cwd);
  // --git-common-dir may be relative, and then to `cwd` (not to the top level): `../.git` in a subdirectory.
  const commonDir = resolve(cwd, commonDirRaw || gitDir);
  return { root: realpathSync(top), gitDir, commonDir: realpathSync(commonDir) };
}

/** The sha HEAD points at, or undefined in a repository with no commits yet. */
export async function headSha(root: string): Promise<string | undefined> {
  const r = await gitRaw(root, ['rev-parse', '--verify', '-q', 'HEAD^{commit}']);
  return r.code === 0 ? r.stdout.trim() : undefined;
}

/** Tracked paths, repo-relative. */
export async function trackedFiles(root: string): Promise<string[]> {
  const out = await git(root, ['ls-files', '-z']);
  return out.split('\0').filter(Boolean);
}

/** Shas among `shas` that exist as commits in the repository (a rebase + gc can drop old tips). */
export async function existingCommits(root: string, shas: string[]): Promise<string[]> {
  if (shas.length === 0) return [];
  const out = await git(root, ['cat-file', '--batch-check=%(objectname) %(objecttype)'], shas.join('\n') + '\n');
  return out
    .split('\n')
    .map((l) => l.split(' '))
    .filter(([, type]) => type === 'commit')
    .map(([sha]) => sha as string);
}
