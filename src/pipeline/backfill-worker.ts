/**
 * Entry point `lore index` and `lore init` start, detached, when they leave heavy derived work
 * behind (`node dist/backfill-worker.js <repo dir> [db file]`): everything `lore index --wait` does
 * in the foreground. Under the same per-repo lock as the hook worker (it waits for a running one),
 * it builds the import graph (this may load the TypeScript compiler, which is why it is not the
 * hook worker), counts lines and computes patch-ids (catchUp), then embeds what has no vector yet.
 * Never prints; failures go to <git dir>/lore/worker.log.
 */
import { resolveEmbedder } from '../embed/index.js';
import { catchUp } from './catch-up.js';
import { embedPending } from './embed-vectors.js';
import { updateImportGraph } from './import-graph.js';
import { logWorkerFailure, runWorker } from './worker-main.js';

runWorker(
  async (db, repo) => {
    // The graph first: it is the quickest to finish, and `lore why` shows importers from it.
    // Its failure (a file TypeScript chokes on) is logged and the rest still runs. A failing
    // catch-up ends the round instead: it may leave the queue full, and a round that "succeeded"
    // would be run again, up to the hand-over, for nothing.
    await updateImportGraph(db, repo).catch((err: unknown) => logWorkerFailure(repo, err));
    await catchUp(db, repo);
    await embedPending(db, resolveEmbedder(process.env));
  },
  // A hook worker holding the lock does not build the graph or the vectors: wait for it.
  { waitForLockMs: 120_000 },
);
