import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { defaultHookPaths } from '../git/index.js';
import { childProcess } from '../builtins.js';

/**
 * Starts the hook worker detached (the same one the git hooks start) to finish work in the
 * background: it takes the per-repo lock, catches up, and exits. Returns false when the worker
 * file is missing (a dev checkout without a build).
 */
export function startWorker(root: string, dbPath: string, paths = defaultHookPaths()): boolean {
  return spawnDetached(paths.worker, root, dbPath);
}

/**
 * Starts the backfill worker detached: what `lore index --wait` would have done in the
 * foreground (line counts and patch-ids, the import graph, search vectors). Returns false when
 * its file is missing.
 */
export function startBackfillWorker(root: string, dbPath: string, paths = defaultHookPaths()): boolean {
  return spawnDetached(siblingWorker('backfill-worker.js', paths), root, dbPath);
}

/** A worker script built beside the hook worker (dist/). */
export function siblingWorker(name: 'backfill-worker.js' | 'graph-worker.js', paths = defaultHookPaths()): string {
  return join(dirname(paths.worker), name);
}

/** Starts `node <worker> <root> <db file>` in its own session, output to nowhere; false when the script is missing. */
export function spawnDetached(worker: string, root: string, dbPath: string): boolean {
  if (!existsSync(worker)) return false;
  const child = childProcess().spawn(process.execPath, [worker, root, dbPath], { cwd: root, detached: true, stdio: 'ignore' });
  child.on('error', () => {});
  child.unref();
  return true;
}
