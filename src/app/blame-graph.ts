import { countCommits, type Db } from '../db/index.js';
import { refreshBlameGraph, type RepoInfo } from '../git/index.js';

/**
 * Brings lore's commit-graph for `lore why FILE:LINE`'s blames up to date once enough commits
 * arrived since it was written (src/git/blame-graph.ts). For background rounds (the hook and
 * backfill workers, the watcher): a first write reads every commit, seconds on a large history.
 * Never throws.
 */
export async function refreshBlameGraphOf(db: Db, repo: RepoInfo, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  await refreshBlameGraph(repo, countCommits(db, repo.root), env);
}
