import { commitsToEnrich, countCommitsToEnrich, storeEnrichment, type Db } from '../db/index.js';
import { silent, type Reporter } from '../events.js';
import { readNumstat } from './log.js';
import { computePatchIds } from './patch-id.js';
import { existingCommits, type RepoInfo } from './repo.js';

export interface EnrichResult {
  /** Commits enriched by this run. */
  enriched: number;
  /** Commits still waiting (left for the background worker when over `limit`). */
  remaining: number;
}

export interface EnrichOptions {
  report?: Reporter;
  /** Enrich only when at most this many commits wait; otherwise leave them all (default: no limit). */
  limit?: number;
  batchSize?: number;
}

/**
 * Fills line counts (commit_files.added/removed) and patch-ids for stored commits that lack them.
 * Split from indexing because both need every blob diffed, which costs several times the log
 * itself on a large history (docs/performance.md): a backfill stores commits first and this runs
 * after, in the background worker when there is much to do. Batches are idempotent and resumable (a watermark in the db).
 */
export async function enrichCommits(db: Db, repo: RepoInfo, options: EnrichOptions = {}): Promise<EnrichResult> {
  const report = options.report ?? silent;
  const total = countCommitsToEnrich(db, repo.root);
  if (total === 0 || total > (options.limit ?? Infinity)) return { enriched: 0, remaining: total };
  let enriched = 0;
  for (;;) {
    const batch = commitsToEnrich(db, repo.root, options.batchSize ?? 2000);
    const last = batch[batch.length - 1];
    if (!last) break;
    // A commit dropped since it was stored (rebased away, then gc) would make git fail the batch.
    const shas = await existingCommits(repo.root, batch.filter((c) => !c.isMerge).map((c) => c.sha));
    const [counts, patchIds] = await Promise.all([readNumstat(repo.root, shas), computePatchIds(repo.root, shas)]);
    storeEnrichment(db, repo.root, counts, patchIds, last.rowid);
    enriched += batch.length;
    if (total > (options.batchSize ?? 2000)) report({ type: 'progress', stage: 'details', done: enriched, total });
  }
  if (total > (options.batchSize ?? 2000)) report({ type: 'stage-end', stage: 'details' });
  return { enriched, remaining: countCommitsToEnrich(db, repo.root) };
}
