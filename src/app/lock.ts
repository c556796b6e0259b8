import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { WatcherRunningError } from '../errors.js';

export interface Lock {
  path: string;
  release(): void;
}

/**
 * Takes an exclusive lock file holding our pid, or returns undefined when a live process holds
 * it. A lock left by a dead process (SIGKILL, crash) is taken over.
 */
export function tryLock(path: string): Lock | undefined {
  mkdirSync(dirname(path), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return { path, release: () => rmSync(path, { force: true }) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = lockHolder(path);
      if (holder !== undefined && isAlive(holder)) return undefined;
      // No pid yet: the holder created the file and is about to write it. Only an old empty
      // file is a leftover; taking a fresh one would let two workers run at once.
      if (holder === undefined && isFresh(path)) return undefined;
      rmSync(path, { force: true });
    }
  }
  return undefined;
}

/** The pid in a lock file, if any. */
export function lockHolder(path: string): number | undefined {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether a live process holds the lock file at `path`, and its pid. */
export function lockStatus(path: string): { running: boolean; pid?: number } {
  const pid = lockHolder(path);
  return pid !== undefined && isAlive(pid) ? { running: true, pid } : { running: false };
}

/** The lock file that keeps one `lore watch` per database. */
export function watchLockPath(dbPath: string): string {
  return `${dbPath}.watch.lock`;
}

/** Whether a watcher holds the database's watch lock, and its pid. */
export function watcherStatus(dbPath: string): { running: boolean; pid?: number } {
  return lockStatus(watchLockPath(dbPath));
}

/** The per-repository lock the detached workers (hook and backfill) take: one at a time per repository. */
export function workerLockPath(gitDir: string): string {
  return join(gitDir, 'lore', 'worker.lock');
}

function isFresh(path: string): boolean {
  try {
    return Date.now() - statSync(path).mtimeMs < 10_000;
  } catch {
    return false;
  }
}

/** Takes the one-watcher-per-database lock, or throws WatcherRunningError naming the holder. */
export function acquireWatchLock(dbPath: string): Lock {
  const path = watchLockPath(dbPath);
  const lock = tryLock(path);
  if (!lock) throw new WatcherRunningError(lockHolder(path) ?? 0, path);
  return lock;
}
