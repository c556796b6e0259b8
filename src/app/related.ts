import { openDb } from '../db/index.js';
import { UsageError } from '../errors.js';
import type { Reporter } from '../events.js';
import { findRepo } from '../git/index.js';
import { checkTarget, related as relatedOf, resolveTarget, type RelatedResult } from '../query/index.js';
import { catchUpRepo, refuseExcluded } from './catch-up.js';
import { updateImportGraph } from './import-graph.js';
import { dbPathOf, type Place } from './repo-context.js';
import type { QueryOptions } from './why.js';

/**
 * `lore related FILE`: catches up and refreshes the import graph (building it when there is none:
 * the graph is the answer here), then lists the files tied to FILE. Without catch-up, it answers
 * from the stored graph (none: imports unknown).
 */
export async function related(place: Place, file: string, options: { depth: number; limit: number } & QueryOptions, report: Reporter): Promise<RelatedResult> {
  const repo = await findRepo(place.cwd);
  refuseExcluded(repo, place.env);
  const target = resolveTarget(file, place.cwd, repo.root);
  if (target.line !== undefined) throw new UsageError('lore related takes a file, not FILE:LINE', `try: lore related ${target.path}`);
  await checkTarget(repo, target);
  const dbPath = dbPathOf(place);
  const db = openDb(dbPath, { mmap: true });
  try {
    if (options.catchUp !== false) {
      await catchUpRepo({ repo, db, dbPath }, report, { chatsOfRepo: true });
      await updateImportGraph(db, repo, report);
    }
    return relatedOf(db, repo, target.path, { depth: options.depth, limit: options.limit });
  } finally {
    db.close();
  }
}
