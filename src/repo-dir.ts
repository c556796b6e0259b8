import { realpathSync, type Stats } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { readOrUndefined, statOrUndefined } from './fs.js';

// Where a repository and lore's files in it are, found without starting git. In the kernel because
// `lore why FILE:LINE` needs it before the rest of lore loads (src/cli/early-blame.ts), as
// src/git does after.

export interface RepoInfo {
  /** Realpath of the work tree's top-level directory: the project_path everywhere in the db. */
  root: string;
  /** Absolute git directory (for worktrees, the worktree's own). */
  gitDir: string;
  /** Absolute common git directory (shared by worktrees): where lore keeps its hook queue. */
  commonDir: string;
}

/**
 * The common case without starting git (a process start is most of a quick command's time):
 * the nearest `.git` directory above `cwd`, owned by us, of a plain (non-worktree) repository.
 * Anything else (GIT_* variables, a `.git` file of a worktree or submodule, a bare repository,
 * cwd inside `.git`, another owner that safe.directory rules govern) is left to git.
 */
export function findRepoOnDisk(cwd: string): RepoInfo | undefined {
  const found = nearestDotGit(cwd);
  return found && plainRepo(found);
}

/** findRepoOnDisk's answer for the `.git` found: a plain repository's, owned by us, or undefined. */
function plainRepo({ dir, dotGit, st }: DotGit): RepoInfo | undefined {
  const uid = process.getuid?.();
  if (!st.isDirectory() || (uid !== undefined && st.uid !== uid)) return undefined;
  if (!statOrUndefined(join(dotGit, 'HEAD'))?.isFile() || statOrUndefined(join(dotGit, 'commondir'))) return undefined;
  return { root: dir, gitDir: dotGit, commonDir: dotGit };
}

/**
 * The common git directory around `cwd` without starting git, for what needs only lore's files
 * there: findRepoOnDisk's, or a worktree's or submodule's, whose `.git` file names its git
 * directory (`gitdir: …`) and whose `commondir` (worktrees) names the shared one. Undefined where
 * findRepoOnDisk leaves the question to git for other reasons.
 */
export function commonDirOnDisk(cwd: string): string | undefined {
  const found = nearestDotGit(cwd);
  if (!found) return undefined;
  if (!found.st.isFile()) return plainRepo(found)?.commonDir;
  const named = /^gitdir: (.+)$/m.exec(readOrUndefined(found.dotGit) ?? '')?.[1];
  if (!named) return undefined;
  const gitDir = resolve(found.dir, named.trim());
  const common = readOrUndefined(join(gitDir, 'commondir'))?.trim();
  return common ? resolve(gitDir, common) : gitDir;
}

interface DotGit {
  dir: string;
  dotGit: string;
  st: Stats;
}

/** The nearest `.git` at or above `cwd` and its stat; undefined with GIT_* discovery variables set, or inside a git directory. */
function nearestDotGit(cwd: string): DotGit | undefined {
  if ([...GIT_DISCOVERY_VARS].some((k) => process.env[k])) return undefined;
  let dir: string;
  try {
    dir = realpathSync(resolve(cwd));
  } catch {
    return undefined;
  }
  for (;;) {
    if (statOrUndefined(join(dir, 'HEAD'))?.isFile() && statOrUndefined(join(dir, 'objects'))?.isDirectory()) return undefined; // a git dir itself
    const dotGit = join(dir, '.git');
    const st = statOrUndefined(dotGit);
    if (st) return { dir, dotGit, st };
    const parent = dirname(dir);
    if (parent === dir || dir.endsWith(`${sep}.git`)) return undefined;
    dir = parent;
  }
}

const GIT_DISCOVERY_VARS = new Set(['GIT_DIR', 'GIT_WORK_TREE', 'GIT_CEILING_DIRECTORIES', 'GIT_DISCOVERY_ACROSS_FILESYSTEM', 'GIT_COMMON_DIR']);

/**
 * The object directory lore keeps for its blames: no objects of its own (its alternates name the
 * repository's), only a commit-graph with changed-path Bloom filters, which lets git blame skip
 * the commits that did not touch the file (docs/performance.md, "`lore why FILE:LINE`"). lore
 * writes it (src/git/blame-graph.ts); the repository's own files stay as they are.
 */
export function blameObjectDir(commonDir: string): string {
  return join(commonDir, 'lore', 'objects');
}

/**
 * The variable that points a `git blame` at lore's commit-graph, or nothing: when none has been
 * written yet, or when the user's environment already says where git's objects are.
 */
export function blameGraphEnv(commonDir: string, env: NodeJS.ProcessEnv = process.env): { GIT_OBJECT_DIRECTORY?: string } {
  if (env.GIT_OBJECT_DIRECTORY || env.GIT_ALTERNATE_OBJECT_DIRECTORIES) return {};
  const dir = blameObjectDir(commonDir);
  return statOrUndefined(join(dir, 'info', 'commit-graph'))?.isFile() ? { GIT_OBJECT_DIRECTORY: dir } : {};
}
