/**
 * The loop both detached workers run (hook-worker.ts, backfill-worker.ts): under the per-repo lock
 * (<git dir>/lore/worker.lock), one round of work, again while the hook queue has events that
 * arrived meanwhile, then exit. Never prints; failures are appended to <git dir>/lore/worker.log
 * and the queue keeps its events, so the next run or query retries. Imports nothing heavy: the
 * hook worker's start-up cost is this module's.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openDb, resolveDbPath, type Db } from '../db/index.js';
import { findRepo, type RepoInfo } from '../git/index.js';
import { hasQueuedEvents } from './catch-up.js';
import { tryLock } from './lock.js';

export interface WorkerOptions {
  /** Wait this long for the lock when another worker holds it (default 0: leave at once, that worker drains the queue). */
  waitForLockMs?: number;
}

/** Runs `round` under the lock for the repository `process.argv[2]` and database `process.argv[3]`. */
export function runWorker(round: (db: Db, repo: RepoInfo) => Promise<void>, options: WorkerOptions = {}): void {
  let found: RepoInfo | undefined;
  const main = async (dir: string, dbPath: string): Promise<void> => {
    const repo = (found = await findRepo(dir));
    const lockPath = join(repo.gitDir, 'lore', 'worker.lock');
    let db: Db | undefined;
    const until = Date.now() + (options.waitForLockMs ?? 0);
    try {
      // Loop: an event queued while we held the lock was left to us by a worker that found it taken.
      for (let round_ = 0; round_ < 100; round_++) {
        let lock = tryLock(lockPath);
        while (!lock && Date.now() < until) {
          await new Promise((r) => setTimeout(r, 200));
          lock = tryLock(lockPath);
        }
        if (!lock) return;
        try {
          // Opened under the lock: a burst of commits starts many workers, and all but one leave here.
          db ??= openDb(dbPath);
          await round(db, repo);
        } finally {
          lock.release();
        }
        if (!hasQueuedEvents(db, repo)) return;
      }
    } finally {
      db?.close();
    }
  };
  main(process.argv[2] ?? process.cwd(), process.argv[3] || resolveDbPath(process.env)).catch((err: unknown) => {
    logWorkerFailure(found, err);
    process.exitCode = 0;
  });
}

/** Appends a failure to <git dir>/lore/worker.log (what `lore doctor` reports). */
export function logWorkerFailure(repo: RepoInfo | undefined, err: unknown): void {
  try {
    if (!repo) return; // not a repository (any more): nowhere to log
    mkdirSync(join(repo.gitDir, 'lore'), { recursive: true });
    appendFileSync(join(repo.gitDir, 'lore', 'worker.log'), `${new Date().toISOString()} ${(err as Error)?.stack ?? String(err)}\n`);
  } catch {
    // nowhere to report; the queue still holds the events
  }
}
