import { commitsToEnrich, commitsWithoutLineCounts, countCommitsToEnrich, countsUnreadable, enrichedThrough, setCountsUnreadable, settledThrough, storeEnrichment, type Db, type EnrichTarget } from '../db/index.js';
import { silent, type Reporter } from '../events.js';
import { readNumstat } from './log.js';
import { computePatchIds, unpublishedCommits } from './patch-id.js';
import { existingCommits, type RepoInfo } from './repo.js';
import { commitsMissingObjects } from './unreadable.js';

export interface EnrichResult {
  /** Commits enriched by this run. */
  enriched: number;
  /** Commits still waiting (left for the background worker when over `limit`). */
  remaining: number;
  /**
   * Commits of this run git could not diff (a blob missing from the repository: a copy made
   * without some objects, a partial clone offline). Stored without line counts or patch-id, and
   * passed by the watermark like the others, so no later run tries them again.
   */
  unreadable: number;
}

export interface EnrichOptions {
  report?: Reporter;
  /** Enrich only when at most this many commits wait; otherwise leave them all (default: no limit). */
  limit?: number;
  batchSize?: number;
  /** The clock that says which commits are recent (ms since the epoch). */
  now?: () => number;
  /** Batches diffed at once (default 2: the two cores of a small machine). */
  concurrency?: number;
  /** Runs after each stored batch while git diffs the next ones (the search vectors of its messages). */
  onBatch?: () => Promise<unknown>;
}

/**
 * Commits younger than this get a patch-id even when a remote-tracking branch has them: a branch
 * pushed for review may still be rebased or squashed on the server, and the copy fetched later
 * finds the links of the commit it replaced by its patch-id.
 */
export const PATCH_ID_DAYS = 30;

/**
 * Fills line counts (commit_files.added/removed) and patch-ids for stored commits that lack them.
 * Split from indexing because both need every blob diffed, which costs several times the log
 * itself on a large history (docs/performance.md): a backfill stores commits first and this runs
 * after, in the background worker when there is much to do. Commits logged with their line counts
 * (a catch-up that enriches at once logs `--numstat`) are not counted again. Patch-ids only serve
 * to carry links to a rebased or cherry-picked copy of a commit, so only commits that can still be
 * rewritten get one: those no remote-tracking branch has yet, and recent ones (PATCH_ID_DAYS); a
 * rebase done here is followed by the post-rewrite map anyway. A repository without remotes has
 * every commit unpublished: there the old history lore found at its first index gets none (as
 * costly as the line counts, for commits that will mostly never be rewritten), the commits that
 * arrive after it do, whatever their date (a rewrite's copies), and a commit of that history that
 * falls out of reach with links gets its own then (src/git/reachable.ts). Batches are idempotent and
 * resumable (a watermark in the db). A commit whose blobs the repository lacks keeps neither
 * (`unreadable`): everything else about it was stored by the log, which reads no blob.
 */
export async function enrichCommits(db: Db, repo: RepoInfo, options: EnrichOptions = {}): Promise<EnrichResult> {
  const report = options.report ?? silent;
  const batchSize = options.batchSize ?? 2000;
  const total = countCommitsToEnrich(db, repo.root);
  if (total === 0 || total > (options.limit ?? Infinity)) return { enriched: 0, remaining: total, unreadable: 0 };
  const targets = commitsToEnrich(db, repo.root, -1);
  const recentSince = Math.floor((options.now ?? Date.now)() / 1000) - PATCH_ID_DAYS * 86_400;
  // One walk for the whole run: per batch, git would paint the published history again each time.
  const { unpublished, remotes } = await unpublishedCommits(repo.root, targets.filter((c) => !c.isMerge && c.committedAt < recentSince).map((c) => c.sha));
  const settled = remotes ? 0 : settledThrough(db, repo.root);
  const wantsPatchId = (c: EnrichTarget): boolean => c.committedAt >= recentSince || (unpublished.has(c.sha) && c.rowid > settled);
  const diffed = async (batch: EnrichTarget[]) => {
    // A commit dropped since it was stored (rebased away, then gc) would make git fail the batch.
    const present = new Set(await existingCommits(repo.root, batch.filter((c) => !c.isMerge).map((c) => c.sha)));
    const live = batch.filter((c) => present.has(c.sha));
    // Asked only once git has stopped on a missing blob; shared by both passes.
    let missing: Promise<Set<string>> | undefined;
    const screen = () => (missing ??= commitsMissingObjects(repo.root, live.map((c) => c.sha)));
    const [counts, patchIds] = await Promise.all([
      readNumstat(repo.root, live.filter((c) => c.needsCounts).map((c) => c.sha), screen),
      computePatchIds(repo.root, live.filter(wantsPatchId).map((c) => c.sha), screen),
    ]);
    return { counts: counts.results, patchIds: patchIds.results, unreadable: new Set([...counts.unreadable, ...patchIds.unreadable]).size };
  };
  const batches: EnrichTarget[][] = [];
  for (let i = 0; i < targets.length; i += batchSize) batches.push(targets.slice(i, i + batchSize));
  // Git diffs `concurrency` batches at once (one core each; git's log is single-threaded), and
  // they are stored in order, as the watermark needs.
  const running: ReturnType<typeof diffed>[] = [];
  const launch = (k: number): void => {
    const batch = batches[k];
    if (!batch) return;
    const p = diffed(batch);
    p.catch(() => undefined); // awaited in turn below; until then no unhandled rejection
    running.push(p);
  };
  const concurrency = Math.max(1, options.concurrency ?? 2);
  for (let k = 0; k < concurrency; k++) launch(k);
  let enriched = 0;
  let unreadable = 0;
  for (let k = 0; k < batches.length; k++) {
    const { counts, patchIds, unreadable: skipped } = await running.shift()!;
    unreadable += skipped;
    launch(k + concurrency);
    const batch = batches[k]!;
    storeEnrichment(db, repo.root, counts, patchIds, batch[batch.length - 1]!.rowid, skipped);
    await options.onBatch?.();
    enriched += batch.length;
    if (total > batchSize) report({ type: 'progress', stage: 'details', done: enriched, total });
  }
  if (total > batchSize) report({ type: 'stage-end', stage: 'details' });
  // Said once: the watermark has passed these commits, so no later run meets them again.
  if (unreadable > 0) report({ type: 'warning', message: unreadableWarning(unreadable) });
  return { enriched, remaining: countCommitsToEnrich(db, repo.root), unreadable };
}

function unreadableWarning(n: number): string {
  return `line counts unavailable for ${n} commit${n === 1 ? '' : 's'} (objects missing from the repository); indexed without them`;
}

/**
 * Counts the lines of the commits an earlier run could not read (objects missing), once the
 * objects may be there (the user fetched them): `lore index --wait` runs it while any are on
 * record. Returns how many were counted now; the rest stay on record for `lore doctor`.
 */
export async function recountUnreadable(db: Db, repo: RepoInfo): Promise<number> {
  const before = countsUnreadable(db, repo.root);
  if (before === 0) return 0;
  const shas = await existingCommits(repo.root, commitsWithoutLineCounts(db, repo.root));
  const counts = await readNumstat(repo.root, shas, () => commitsMissingObjects(repo.root, shas));
  // At the watermark: these commits were enriched before, so it stays where it is.
  storeEnrichment(db, repo.root, counts.results, new Map(), enrichedThrough(db, repo.root));
  setCountsUnreadable(db, repo.root, counts.unreadable.length);
  return Math.max(0, before - counts.unreadable.length);
}
