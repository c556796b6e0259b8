import { existsSync } from 'node:fs';
import { countCommits } from '../db/index.js';
import type { Reporter } from '../events.js';
import { findRepo } from '../git/index.js';
import { backlog, type Backlog } from './backlog.js';
import { hasQueuedEvents } from './catch-up.js';
import { dbPathOf, openRepoContext, withDb, type Place } from './repo-context.js';
import { catchUpForQuery } from './why.js';

/**
 * The catch-up a long-running server (`lore mcp`) runs between answers: what `lore why` runs before
 * its answer, started by the server on its own schedule so that no answer waits for a backlog.
 */
export async function refresh(place: Place, report: Reporter): Promise<void> {
  const ctx = await openRepoContext(place);
  try {
    await catchUpForQuery(ctx, report);
  } finally {
    ctx.db.close();
  }
}

/** What the stored answers of a repository do not include yet. */
export interface Pending extends Backlog {
  /** Commits of the repository in the database (0: never indexed). */
  commits: number;
  /** The git hooks queued events the database has not taken yet. */
  hookEvents: boolean;
}

/** What waits to be indexed in the repository of `place`, read without changing anything. */
export async function pendingWork(place: Place): Promise<Pending> {
  const repo = await findRepo(place.cwd);
  const dbPath = dbPathOf(place);
  if (!existsSync(dbPath)) return { commits: 0, hookEvents: false, details: 0, graphUnbuilt: 0, vectors: 0, worker: { running: false } };
  return withDb(dbPath, async (db) => ({ ...(await backlog(db, repo)), commits: countCommits(db, repo.root), hookEvents: hasQueuedEvents(db, repo) }));
}
