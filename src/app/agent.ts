import { existsSync } from 'node:fs';
import { countCommits, type Db } from '../db/index.js';
import type { Reporter } from '../events.js';
import { findRepo, type RepoInfo } from '../git/index.js';
import { backlog, type Backlog } from './backlog.js';
import { hasQueuedEvents } from './catch-up.js';
import { dbPathOf, findRepoOrNone, openRepoContext, withDb, type Place } from './repo-context.js';
import { startBackfillWorker } from './start-worker.js';
import { catchUpForQuery } from './why.js';

/**
 * The catch-up a long-running server (`lore mcp`) runs between answers: what `lore why` runs before
 * its answer, started by the server on its own schedule so that no answer waits for a backlog.
 */
export async function refresh(place: Place, report: Reporter, options: { backfill?: boolean } = {}): Promise<Pending & { backfillStarted: boolean }> {
  const ctx = await openRepoContext(place);
  try {
    await catchUpForQuery(ctx, report);
    const pending = await pendingOf(ctx.db, ctx.repo);
    // What `lore index` would leave to its background worker (a first import graph, line counts,
    // vectors) goes to that worker here too, so that no answer of the server waits for it.
    const heavy = pending.details > 0 || pending.links > 0 || pending.graphUnbuilt > 0 || pending.vectors > 0;
    const backfillStarted = options.backfill === true && heavy && !pending.worker.running && startBackfillWorker(ctx.repo.root, ctx.dbPath);
    return { ...pending, backfillStarted };
  } finally {
    ctx.db.close();
  }
}

/** The top-level directory of the repository `dir` is in, or undefined outside one. */
export async function repositoryOf(dir: string): Promise<string | undefined> {
  return (await findRepoOrNone(dir))?.root;
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
  if (!existsSync(dbPath)) return { commits: 0, hookEvents: false, details: 0, links: 0, graphUnbuilt: 0, vectors: 0, worker: { running: false } };
  return withDb(dbPath, (db) => pendingOf(db, repo));
}

async function pendingOf(db: Db, repo: RepoInfo): Promise<Pending> {
  return { ...(await backlog(db, repo)), commits: countCommits(db, repo.root), hookEvents: hasQueuedEvents(db, repo) };
}
