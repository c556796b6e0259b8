import { readFileSync, realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { NotAGitRepoError } from '../errors.js';
import { readOrUndefined, statOrUndefined } from '../fs.js';
import { findRepoOnDisk, type RepoInfo } from '../repo-dir.js';
import { git, gitRaw, NO_FETCH_ENV } from './run.js';

export { findRepoOnDisk, type RepoInfo };

/** Finds the repository that contains `cwd`, or throws NotAGitRepoError. */
export async function findRepo(cwd: string): Promise<RepoInfo> {
  return findRepoOnDisk(cwd) ?? findRepoWithGit(cwd);
}

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
  const out = await git(root, ['cat-file', '--batch-check=%(objectname) %(objecttype)'], shas.join('\n') + '\n', NO_FETCH_ENV);
  return out
    .split('\n')
    .map((l) => l.split(' '))
    .filter(([, type]) => type === 'commit')
    .map(([sha]) => sha as string);
}
