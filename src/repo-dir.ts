import { realpathSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { statOrUndefined } from './fs.js';

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
