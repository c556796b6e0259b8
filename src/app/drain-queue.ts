import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { resolveDbPath } from '../config/index.js';
import { openDb, type Db } from '../db/index.js';
import { findRepo, type RepoInfo } from '../git/index.js';
import { redact } from '../ingest/index.js';
import { hasQueuedEvents } from './catch-up.js';
import { tryLock, workerLockPath } from './lock.js';
import { noteFailure } from './repo-context.js';

/** One round of a worker's work on a repository, under its lock. */
export type RepoRound = (db: Db, repo: RepoInfo) => Promise<void>;

export interface DrainOptions {
  /** Wait this long for the lock when another worker holds it (default 0: leave at once, that worker drains the queue). */
  waitForLockMs?: number;
  /** Rounds before handing over to a fresh worker (default 100). */
  maxRounds?: number;
}

/**
 * What a detached worker runs for the repository at `dir` (and the database `dbPath`, default the
 * user's): drainQueue, with `handOver` starting a fresh worker for the same repository. Never
 * rejects: a failure is appended to <git dir>/lore/worker.log, and the queue keeps its events, so
 * the next run or query retries.
 */
export async function drainRepoQueue(
  dir: string,
  dbPath: string | undefined,
  round: RepoRound,
  options: DrainOptions & { env: NodeJS.ProcessEnv; handOver: (root: string, dbPath: string) => void },
): Promise<void> {
  let found: RepoInfo | undefined;
  try {
    const repo = (found = await findRepo(dir));
    const db = dbPath || resolveDbPath(options.env);
    await drainQueue(repo, db, round, { ...options, handOver: () => options.handOver(repo.root, db) });
  } catch (err) {
    noteFailure(err);
    logWorkerFailure(found, err);
  }
}

/**
 * The detached workers' loop: one `round` under the per-repo lock (<git dir>/lore/worker.lock),
 * again while the hook queue has events that arrived meanwhile (a worker that found the lock taken
 * left them to us and exited). After `maxRounds` (a steady stream of commits: a scripted loop, a
 * rebase picking hundreds of commits) it calls `handOver` instead of leaving the newest events
 * queued with no worker to take them.
 */
export async function drainQueue(
  repo: RepoInfo,
  dbPath: string,
  round: RepoRound,
  options: DrainOptions & { handOver: () => void },
): Promise<'done' | 'locked' | 'handed-over'> {
  const lockPath = workerLockPath(repo.gitDir);
  let db: Db | undefined;
  const until = Date.now() + (options.waitForLockMs ?? 0);
  try {
    for (let n = 0; n < (options.maxRounds ?? 100); n++) {
      let lock = tryLock(lockPath);
      while (!lock && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 200));
        lock = tryLock(lockPath);
      }
      if (!lock) return 'locked';
      try {
        // Opened under the lock: a burst of commits starts many workers, and all but one leave here.
        db ??= openDb(dbPath);
        await round(db, repo);
      } finally {
        lock.release();
      }
      if (!hasQueuedEvents(db, repo)) return 'done';
    }
    options.handOver();
    return 'handed-over';
  } finally {
    db?.close();
  }
}

/** Appends a failure to <git dir>/lore/worker.log (what `lore doctor` reports). */
export function logWorkerFailure(repo: RepoInfo | undefined, err: unknown): void {
  try {
    if (!repo) return; // not a repository (any more): nowhere to log
    mkdirSync(join(repo.gitDir, 'lore'), { recursive: true });
    // An error can quote what it failed on (a commit message, a line of a transcript).
    appendFileSync(join(repo.gitDir, 'lore', 'worker.log'), `${new Date().toISOString()} ${redact((err as Error)?.stack ?? String(err)).text}\n`);
  } catch {
    // nowhere to report; the queue still holds the events
  }
}
