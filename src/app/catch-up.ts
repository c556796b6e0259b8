import { nowMs } from '../builtins.js';
import {
  acceptHookEvents,
  getRepoState,
  markHookEventsProcessed,
  pendingHookEvents,
  queueOffset,
  recordRewrites,
  type Db,
} from '../db/index.js';
import { configPath, isExcluded, loadConfig } from '../config/index.js';
import { ExcludedProjectError } from '../errors.js';
import { silent, type Reporter } from '../events.js';
import { enrichCommits, indexCommits, readQueue, updateReachable, type EnrichResult, type IndexResult, type RepoInfo } from '../git/index.js';
import { ingest, type IngestResult } from '../ingest/index.js';
import { linkRepo, type LinkResult } from '../link/index.js';
import type { RepoContext } from './repo-context.js';
import { startWorker } from './start-worker.js';

export interface CatchUpResult {
  commits: IndexResult;
  hookEvents: number;
  /** Chat transcripts read (all detected sources; unchanged files cost one stat each). */
  ingest?: IngestResult;
  link: LinkResult;
  /** Line counts and patch-ids; `remaining` > 0 means they were left for the background worker. */
  details: EnrichResult;
  /** Wall time of each stage (ms): where a slow catch-up spent it. */
  ms: { commits: number; details: number; chats: number; links: number };
}

export interface CatchUpOptions {
  /**
   * Count lines and patch-ids inline only when at most this many commits wait (default: all).
   * Interactive commands pass a small number and start the worker for the rest (startWorker).
   */
  enrichLimit?: number;
  /** Link only when at most this many commits wait (default: all); linkRepo's `limit`. */
  linkLimit?: number;
  /** Runs after each batch of line counts is stored, while git counts the next (enrichCommits' `onBatch`). */
  onDetails?: () => Promise<unknown>;
  /** Read AI chat transcripts too (default true); a list: only those sources. */
  chats?: boolean | string[];
  /** Only the transcripts filed under this repository's folders, where a tool files them so (a query's catch-up). */
  chatsOfRepo?: boolean;
  env?: NodeJS.ProcessEnv;
}

/**
 * Brings the database up to date for one repository: moves hook events from the queue file into
 * the database, indexes new commits (HEAD's and any the hooks named), applies rewrite maps, then
 * counts lines and patch-ids, reads chats and links. The hook worker runs it, so the import graph
 * (the TypeScript compiler) and vectors (an embedder) stay out: updateImportGraph, embedPending.
 */
export async function catchUp(db: Db, repo: RepoInfo, report: Reporter = silent, options: CatchUpOptions = {}): Promise<CatchUpResult> {
  refuseExcluded(repo, options.env);
  let mark = nowMs();
  const lap = (): number => {
    const at = nowMs();
    const ms = Math.round(at - mark);
    mark = at;
    return ms;
  };
  const offset = queueOffset(db, repo.root);
  const queued = readQueue(repo.gitDir, offset);
  if (queued.skipped > 0) report({ type: 'warning', message: `skipped ${queued.skipped} malformed line(s) in the hook queue`, file: `${repo.gitDir}/lore/queue` });
  // Compare-and-set on the offset: a concurrent catch-up that took these lines first wins.
  if (queued.events.length > 0 || queued.offset !== offset) acceptHookEvents(db, repo.root, queued.events, queued.offset, offset);

  const pending = pendingHookEvents(db, repo.root);
  const extra = pending.map((e) => (e.kind === 'rewrite' ? e.payload.split(' ')[1]! : e.payload));
  // A catch-up with no enrich limit counts the new commits' lines now: after a first backfill
  // (a few commits, a pull) in the same log, one git process less. A first backfill logs without
  // them: the enrich pass then diffs two batches at once, which beats one log on two cores.
  const lineCounts = options.enrichLimit === undefined && (getRepoState(db, repo.root)?.indexedTips.length ?? 0) > 0;
  const commits = await indexCommits(db, repo, { report, extra, lineCounts });
  const rewrites = pending
    .filter((e) => e.kind === 'rewrite')
    .map((e) => {
      const [oldSha, newSha, kind] = e.payload.split(' ') as [string, string, string];
      return { oldSha, newSha, kind };
    });
  if (rewrites.length > 0) recordRewrites(db, repo.root, rewrites);
  if (pending.length > 0) markHookEventsProcessed(db, pending.map((e) => e.id));
  // Queries list only what HEAD reaches; what a rewrite left behind stays stored for its links.
  if (commits.head) await updateReachable(db, repo, commits.head);
  const commitsMs = lap();
  const details = await enrichCommits(db, repo, { report, ...(options.enrichLimit !== undefined ? { limit: options.enrichLimit } : {}), ...(options.onDetails ? { onBatch: options.onDetails } : {}) });
  const detailsMs = lap();
  // Chats of every detected source (one database serves every repository), after the commits.
  const chats =
    options.chats === false
      ? undefined
      : await ingest(db, { report, env: options.env, ...(Array.isArray(options.chats) ? { sources: options.chats } : {}), ...(options.chatsOfRepo ? { scope: repo.root } : {}) });
  const chatsMs = lap();
  // Linking runs last: it needs the commits and the chats stored above.
  const link = await linkRepo(db, repo, report, options.linkLimit !== undefined ? { limit: options.linkLimit } : {});
  return { commits, hookEvents: pending.length, details, ingest: chats, link, ms: { commits: commitsMs, details: detailsMs, chats: chatsMs, links: lap() } };
}

/** Commits whose line counts and patch-ids a command computes itself; more go to the background worker. */
export const INLINE_DETAILS = 500;

/** Commits a query links itself; a larger backlog is linked by the background worker. */
export const INLINE_LINKS = 100;

/**
 * The catch-up a query runs before it answers. After a large backfill, line counts and patch-ids
 * and the link stage are left to the detached worker, so the answer does not wait for them and
 * is given from what is linked so far (`lore index --wait`, which does them all in the
 * foreground, goes through indexRepo instead).
 */
export async function catchUpRepo(ctx: RepoContext, report: Reporter, options: { chats?: boolean | string[]; chatsOfRepo?: boolean } = {}): Promise<CatchUpResult> {
  const r = await catchUp(ctx.db, ctx.repo, report, {
    enrichLimit: INLINE_DETAILS,
    linkLimit: INLINE_LINKS,
    ...(options.chats !== undefined ? { chats: options.chats } : {}),
    ...(options.chatsOfRepo ? { chatsOfRepo: true } : {}),
  });
  if (r.details.remaining > 0 || r.link.deferred > 0) startWorker(ctx.repo.root, ctx.dbPath);
  return r;
}

/** True when the hook queue has bytes the database has not taken yet. */
export function hasQueuedEvents(db: Db, repo: RepoInfo): boolean {
  return readQueue(repo.gitDir, queueOffset(db, repo.root)).events.length > 0;
}

/**
 * The README promises that an excluded project is never stored: its chats are skipped at ingest,
 * and nothing indexes its history either (`lore init`, `index`, `why`, `related` there, the hook
 * worker, the watcher). Throws ExcludedProjectError.
 */
export function refuseExcluded(repo: RepoInfo, env: NodeJS.ProcessEnv = process.env): void {
  if (isExcluded(loadConfig(env), repo.root)) throw new ExcludedProjectError(repo.root, configPath(env));
}
