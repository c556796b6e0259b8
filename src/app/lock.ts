import { closeSync, fstatSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync, type BigIntStats } from 'node:fs';
import { dirname, join } from 'node:path';
import { WatcherRunningError } from '../errors.js';
import { crypto } from '../builtins.js';

export interface Lock {
  path: string;
  release(): void;
}

/**
 * Takes an exclusive lock file holding our pid, or returns undefined when a live process holds
 * it. A lock left by a dead process (SIGKILL, crash) is taken over, atomically: of any number of
 * processes that find the same dead lock at once, exactly one takes it (see takeOver).
 */
export function tryLock(path: string): Lock | undefined {
  mkdirSync(dirname(path), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    if (createWithPid(path)) return held(path);
    const seen = readLock(path);
    if (!seen) continue; // released meanwhile: try again
    if (seen.pid !== undefined && isAlive(seen.pid)) return undefined;
    // No pid: a lore from before the pid was written atomically created the file and is about
    // to write it. Only an old empty file is a leftover; taking a fresh one would let two run.
    if (seen.pid === undefined && Date.now() - Number(seen.mtimeNs / 1_000_000n) < 10_000) return undefined;
    return takeOver(path, seen) ? held(path) : undefined;
  }
  return undefined;
}

function held(path: string): Lock {
  // Only our own lock is removed: a release never deletes a lock someone else holds.
  return { path, release: () => lockHolder(path) === process.pid && rmSync(path, { force: true }) };
}

/** A temp file with our pid, linked in as `path` only if nothing is there: no one ever sees an empty lock. */
function createWithPid(path: string): boolean {
  const temp = writeTemp(path);
  try {
    linkSync(temp, path);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (!NO_HARD_LINKS.has(code ?? '')) throw err;
    return createExclusive(path);
  } finally {
    rmSync(temp, { force: true });
  }
}

/** Errors of a file system without hard links (FAT, some network shares): there the lock is opened with O_EXCL. */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS']);

function createExclusive(path: string): boolean {
  try {
    const fd = openSync(path, 'wx', 0o600);
    writeSync(fd, String(process.pid));
    closeSync(fd);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return false;
  }
}

function writeTemp(path: string): string {
  const temp = `${path}.${process.pid}-${crypto().randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temp, String(process.pid), { mode: 0o600 });
  return temp;
}

interface SeenLock {
  ino: bigint;
  mtimeNs: bigint;
  pid?: number;
}

/** The lock file's identity (inode and mtime) and pid, from one open file: both describe the same file. */
function readLock(path: string): SeenLock | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const st = fstatSync(fd, { bigint: true });
    const pid = Number(readFileSync(fd, 'utf8').trim());
    return { ino: st.ino, mtimeNs: st.mtimeNs, ...(Number.isInteger(pid) && pid > 0 ? { pid } : {}) };
  } finally {
    closeSync(fd);
  }
}

const CLAIM_LEVELS = 3;
/** A takeover lasts a few system calls; a claim this old was left by a process that died in one. */
const DEAD_CLAIM_MS = 60_000;

/**
 * Replaces the dead lock `seen` by ours, unless another process does. Removing the dead file and
 * creating a new one would let two processes that both saw it dead both "take" it (the second
 * removes the first's new lock). Instead each hard-links the dead file to a claim name derived
 * from its identity: link() fails if the name exists, so one process wins the claim, and it then
 * renames its own file over the lock in one step. A loser whose link lands on a newer lock (the
 * winner's) sees a different identity and backs off. If a claimer died mid-takeover, the next
 * level of claim name is tried once its claim is old.
 */
function takeOver(path: string, seen: SeenLock): boolean {
  const claims = Array.from({ length: CLAIM_LEVELS }, (_, level) => `${path}.takeover-${seen.ino}-${seen.mtimeNs}-${level}`);
  for (const claim of claims) {
    try {
      linkSync(path, claim);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return false; // the lock went away: the next tryLock creates it
      if (NO_HARD_LINKS.has(code ?? '')) {
        // No atomic takeover without links: remove and recreate, as well as such a file system allows.
        rmSync(path, { force: true });
        return createExclusive(path);
      }
      if (code !== 'EEXIST') throw err;
      if (isClaimDead(claim)) continue;
      return false;
    }
    const now = statOrUndefinedBig(claim);
    if (now?.ino !== seen.ino || now.mtimeNs !== seen.mtimeNs) {
      // We linked a newer lock than the one we saw dead: someone took it over first.
      rmSync(claim, { force: true });
      return false;
    }
    const temp = writeTemp(path);
    try {
      renameSync(temp, path);
    } catch (err) {
      rmSync(temp, { force: true });
      throw err;
    } finally {
      // The dead file is no longer the lock: its claims (ours, and any a dead claimer left) mean nothing now.
      for (const c of claims) rmSync(c, { force: true });
    }
    return true;
  }
  return false;
}

function isClaimDead(claim: string): boolean {
  // link() sets the inode's ctime: the claim's age is the time since it was made.
  const st = statOrUndefinedBig(claim);
  return st !== undefined && Date.now() - Number(st.ctimeNs / 1_000_000n) > DEAD_CLAIM_MS;
}

function statOrUndefinedBig(path: string): BigIntStats | undefined {
  try {
    return statSync(path, { bigint: true });
  } catch {
    return undefined;
  }
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

/** Takes the one-watcher-per-database lock, or throws WatcherRunningError naming the holder. */
export function acquireWatchLock(dbPath: string): Lock {
  const path = watchLockPath(dbPath);
  const lock = tryLock(path);
  if (!lock) throw new WatcherRunningError(lockHolder(path) ?? 0, path);
  return lock;
}
