import type { Db } from '../db/index.js';
import { resolveEmbedder } from '../embed/index.js';
import type { RepoInfo } from '../git/index.js';
import { blameGraphBeside } from './blame-graph.js';
import { catchUp } from './catch-up.js';
import { logWorkerFailure } from './drain-queue.js';
import { embedPending } from './embed-vectors.js';
import { startImportGraph } from './graph-process.js';
import { applyGraphWrites, updateImportGraph } from './import-graph.js';

/**
 * The backfill worker's round: everything `lore index --wait` does in the foreground (and lore's
 * commit-graph for blames, src/app/blame-graph.ts). The import
 * graph may load the TypeScript compiler, which is why this is not the hook worker's round.
 */
export async function backfill(db: Db, repo: RepoInfo, env: NodeJS.ProcessEnv): Promise<void> {
  // The graph is built in a process of its own, on the other core, while this one counts lines
  // and links (mostly waiting for git); without a build, first here: it is the quickest to
  // finish, and `lore why` shows importers from it. Its failure (a file TypeScript chokes on) is
  // logged and the rest still runs. A failing catch-up ends the round instead: it may leave the
  // queue full, and a round that "succeeded" would be run again, up to the hand-over, for nothing.
  const aside = startImportGraph(db, repo);
  if (!aside) await updateImportGraph(db, repo).catch((err: unknown) => logWorkerFailure(repo, err));
  try {
    // Each batch's commit messages get their vectors while git counts the next batch.
    const embedder = resolveEmbedder(env);
    const caughtUp = catchUp(db, repo, undefined, { onDetails: () => embedPending(db, embedder) });
    const blameGraph = blameGraphBeside(db, repo, caughtUp, env);
    await caughtUp;
    await embedPending(db, embedder);
    await blameGraph;
  } finally {
    await aside?.then((g) => applyGraphWrites(db, repo, g)).catch((err: unknown) => logWorkerFailure(repo, err));
  }
}
