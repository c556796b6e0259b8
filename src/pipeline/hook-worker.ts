/**
 * Entry point the git hooks start, detached: `node dist/hook-worker.js <repo dir> [db file]`. It
 * drains the hook queue into the database under a per-repo lock, fills line counts and patch-ids,
 * and exits. It never prints (its output goes to /dev/null) and imports neither yargs nor ts-morph,
 * so it starts fast. Failures are appended to <git dir>/lore/worker.log; the queue keeps the
 * events, so the next run or query retries.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openDb, resolveDbPath, type Db } from '../db/index.js';
// Straight to the stages it needs, not index.ts: that also exports the import graph (TypeScript).
import { catchUp, hasQueuedEvents } from './catch-up.js';
import { tryLock } from './lock.js';
import { findRepo, type RepoInfo } from '../git/index.js';

let found: RepoInfo | undefined;

async function main(dir: string, dbPath: string): Promise<void> {
  const repo = (found = await findRepo(dir));
  const lockPath = join(repo.gitDir, 'lore', 'worker.lock');
  let db: Db | undefined;
  try {
    // Loop: an event queued while we held the lock was left to us by a worker that found it taken.
    for (let round = 0; round < 100; round++) {
      const lock = tryLock(lockPath);
      if (!lock) return;
      try {
        // Opened under the lock: a burst of commits starts many workers, and all but one leave here.
        db ??= openDb(dbPath);
        await catchUp(db, repo);
      } finally {
        lock.release();
      }
      if (!hasQueuedEvents(db, repo)) return;
    }
  } finally {
    db?.close();
  }
}

const dir = process.argv[2] ?? process.cwd();
main(dir, process.argv[3] || resolveDbPath(process.env)).catch((err: unknown) => {
  try {
    if (!found) return; // not a repository (any more): nowhere to log
    mkdirSync(join(found.gitDir, 'lore'), { recursive: true });
    appendFileSync(join(found.gitDir, 'lore', 'worker.log'), `${new Date().toISOString()} ${(err as Error)?.stack ?? String(err)}\n`);
  } catch {
    // nowhere to report; the queue still holds the events
  }
  process.exitCode = 0;
});
