import { countCommits, type Db } from '../db/index.js';
import { blameGraphStale, refreshBlameGraph, writeBlameGraph, type RepoInfo } from '../git/index.js';

// lore's commit-graph for `lore why FILE:LINE`'s blames (src/git/blame-graph.ts), kept up to date
// by background rounds (the hook and backfill workers, the watcher) and `lore index`: a first
// write reads every commit, seconds on a large history. Neither function throws.

/** Rewrites the graph once enough commits arrived since it was written. */
export async function refreshBlameGraphOf(db: Db, repo: RepoInfo, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  try {
    await refreshBlameGraph(repo, countCommits(db, repo.root), env);
  } catch {
    // a database that cannot be read: the round's catch-up reports it
  }
}

/**
 * When the graph is stale, writes it while `work` (a catch-up) runs: git needs only the refs, and
 * takes the other core. Its stamp counts the commits `work` stored.
 */
export async function blameGraphBeside(db: Db, repo: RepoInfo, work: Promise<unknown>, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  try {
    if (!blameGraphStale(repo, countCommits(db, repo.root), env)) return;
    const counted = (): number => countCommits(db, repo.root);
    await writeBlameGraph(repo, work.then(counted, counted), env);
  } catch {
    // a database that cannot be read: the catch-up beside reports it
  }
}
