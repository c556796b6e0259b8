import { readFileSync, realpathSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { NotAGitRepoError } from '../errors.js';
import { readOrUndefined, statOrUndefined } from '../fs.js';
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
  return findRepoOnDisk(cwd) ?? findRepoWithGit(cwd);
}

/**
 * The common case without starting git (a process start is most of a quick command's time):
 * the nearest `.git` directory above `cwd`, owned by us, of a plain (non-worktree) repository.
 * Anything else (GIT_* variables, a `.git` file of a worktree or submodule, a bare repository,
 * cwd inside `.git`, another owner that safe.directory rules govern) is left to git.
 */
export function findRepoOnDisk(cwd: string): RepoInfo | undefined {
  if ([...GIT_DISCOVERY_VARS].some((k) => process.env[k])) return undefined;
  let dir: string;
  try {
    dir = realpathSync(resolve(cwd));
  } catch {
    return undefined;
  }
  const uid = process.getuid?.();
  for (;;) {
    if (statOrUndefined(join(dir, 'HEAD'))?.isFile() && statOrUndefined(join(dir, 'objects'))?.isDirectory()) return undefined; // a git dir itself
    const dotGit = join(dir, '.git');
    const st = statOrUndefined(dotGit);
    if (st) {
      if (!st.isDirectory() || (uid !== undefined && st.uid !== uid)) return undefined;
      if (!statOrUndefined(join(dotGit, 'HEAD'))?.isFile() || statOrUndefined(join(dotGit, 'commondir'))) return undefined;
      return { root: dir, gitDir: dotGit, commonDir: dotGit };
    }
    const parent = dirname(dir);
    if (parent === dir || dir.endsWith(`${sep}.git`)) return undefined;
    dir = parent;
  }
}

const GIT_DISCOVERY_VARS = new Set(['GIT_DIR', 'GIT_WORK_TREE', 'GIT_CEILING_DIRECTORIES', 'GIT_DISCOVERY_ACROSS_FILESYSTEM', 'GIT_COMMON_DIR']);

async function findRepoWithGit(cwd: string): Promise<RepoInfo> {
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

/**
 * HEAD's commit read from the ref files without starting git, or undefined when only git can
 * tell (reftable storage, an unborn branch, anything unexpected): callers then ask headSha.
 */
export function headShaOnDisk(repo: RepoInfo): string | undefined {
  try {
    let ref = readFileSync(join(repo.gitDir, 'HEAD'), 'utf8').trim();
    for (let depth = 0; depth < 5; depth++) {
      if (SHA.test(ref)) return ref;
      const m = /^ref: (refs\/[^\0\s]+)$/.exec(ref);
      if (!m || m[1]!.split('/').includes('..')) return undefined;
      const name = m[1]!;
      const loose = readOrUndefined(join(repo.commonDir, name));
      if (loose !== undefined) {
        ref = loose.trim();
        continue;
      }
      const packed = readOrUndefined(join(repo.commonDir, 'packed-refs'));
      const line = packed?.split('\n').find((l) => l.endsWith(` ${name}`) && !l.startsWith('#') && !l.startsWith('^'));
      const sha = line?.slice(0, line.indexOf(' '));
      return sha && SHA.test(sha) ? sha : undefined;
    }
  } catch {
    // unreadable: let git say
  }
  return undefined;
}

const SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/**
 * A cheap fingerprint of what git knows of the work tree: HEAD's commit and the git index's
 * size and mtime (staging, committing, checking out, pulling all rewrite the index). Unstaged
 * edits do not change it. Undefined when it cannot be read.
 */
export function workTreeStamp(repo: RepoInfo): string | undefined {
  const index = statOrUndefined(join(repo.gitDir, 'index'));
  const head = headShaOnDisk(repo);
  if (!head) return undefined;
  return `${head}:${index ? `${index.size}:${index.mtimeMs}` : 'no-index'}`;
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
