/**
 * Entry point `lore index` and `lore init` start, detached, when they leave heavy derived work
 * behind: `node dist/backfill-worker.js <repo dir> [db file]`. Under the same per-repo lock as the
 * hook worker, it runs the backfill round (import graph, line counts and patch-ids, vectors).
 * Never prints; failures go to <git dir>/lore/worker.log.
 */
import { backfill } from '../app/backfill.js';
import { runWorker } from './worker-main.js';

// A hook worker holding the lock does not build the graph or the vectors: wait for it.
runWorker((db, repo) => backfill(db, repo, process.env), { waitForLockMs: 120_000 });
