import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { readOrUndefined } from '../fs.js';
import { blameObjectDir, type RepoInfo } from '../repo-dir.js';
import { gitRaw } from './run.js';

// lore's commit-graph for `git blame` (src/repo-dir.ts, blameObjectDir): written into an object
// directory of lore's own, so the user's repository is left exactly as it was, and kept only as
// fresh as it needs to be. A stale graph is still right (it describes commits, which never
// change); the commits it lacks are read the slow way, which costs little while they are few.

/** The commit count lore had stored when the graph was last written, beside it. */
const STAMP = 'lore-commits';
/** Rewrite once this many commits (or this share of them) arrived since the last write. */
const REFRESH_MIN = 500;
const REFRESH_SHARE = 0.1;

/** True when the graph is missing or `commits` (what lore has stored now) outgrew it. */
export function blameGraphStale(repo: RepoInfo, commits: number, env: NodeJS.ProcessEnv = process.env): boolean {
  if (!usable(env)) return false;
  const info = join(blameObjectDir(repo.commonDir), 'info');
  const at = Number(readOrUndefined(join(info, STAMP)) ?? NaN);
  if (!Number.isFinite(at)) return true;
  // A write that failed (a git without --changed-paths) leaves the stamp: it is tried again later, not every round.
  return commits - at >= Math.max(REFRESH_MIN, at * REFRESH_SHARE);
}

/**
 * Writes the graph of every commit the repository's refs reach, with changed-path Bloom filters
 * (git ≥ 2.27), replacing the last one. `commits`: lore's stored count, for blameGraphStale (a
 * promise when the graph is written while lore stores them). Never throws: without a graph,
 * blames are only slower. True when git wrote it.
 */
export async function writeBlameGraph(repo: RepoInfo, commits: number | Promise<number>, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  if (!usable(env)) return false;
  const dir = blameObjectDir(repo.commonDir);
  try {
    mkdirSync(join(dir, 'info'), { recursive: true });
    // Relative, as git allows in alternates: the repository can move and the graph still works.
    // With forward slashes, which git reads on every system.
    writeFileSync(join(dir, 'info', 'alternates'), `${relative(dir, join(repo.commonDir, 'objects')).split(sep).join('/')}\n`);
    const r = await gitRaw(repo.root, ['commit-graph', 'write', '--reachable', '--changed-paths'], undefined, { GIT_OBJECT_DIRECTORY: dir });
    writeFileSync(join(dir, 'info', STAMP), `${await commits}\n`);
    return r.code === 0;
  } catch {
    return false;
  }
}

/** Refreshes the graph when it is stale; see blameGraphStale. */
export async function refreshBlameGraph(repo: RepoInfo, commits: number, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  return blameGraphStale(repo, commits, env) ? writeBlameGraph(repo, commits, env) : false;
}

// A user who points git at other objects (GIT_OBJECT_DIRECTORY, GIT_ALTERNATE_OBJECT_DIRECTORIES)
// gets the blames git would run for them, never lore's object directory instead.
function usable(env: NodeJS.ProcessEnv): boolean {
  return !env.GIT_OBJECT_DIRECTORY && !env.GIT_ALTERNATE_OBJECT_DIRECTORIES;
}
