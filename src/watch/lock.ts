import { tryLock, lockHolder, watchLockPath, type Lock } from '../pipeline/index.js';
import { WatcherRunningError } from '../errors.js';

/** Takes the one-watcher-per-database lock, or throws WatcherRunningError naming the holder. */
export function acquireWatchLock(dbPath: string): Lock {
  const path = watchLockPath(dbPath);
  const lock = tryLock(path);
  if (!lock) throw new WatcherRunningError(lockHolder(path) ?? 0, path);
  return lock;
}
