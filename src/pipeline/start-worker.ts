import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { defaultHookPaths } from '../git/index.js';

/**
 * Starts the hook worker detached (the same one the git hooks start) to finish work in the
 * background: it takes the per-repo lock, catches up, and exits. Returns false when the worker
 * file is missing (a dev checkout without a build).
 */
export function startWorker(root: string, dbPath: string, paths = defaultHookPaths()): boolean {
  if (!existsSync(paths.worker)) return false;
  const child = spawn(process.execPath, [paths.worker, root, dbPath], { cwd: root, detached: true, stdio: 'ignore' });
  child.on('error', () => {});
  child.unref();
  return true;
}
