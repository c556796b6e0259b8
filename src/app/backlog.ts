import { countChatSessions, countCommitsToEnrich, countCommitsToLink, countFileEdits, countPendingEmbeddings, importGraphStats, type Db } from '../db/index.js';
import { isCodeFile } from '../code/index.js';
import { trackedFiles, type RepoInfo } from '../git/index.js';
import { lockStatus, workerLockPath } from './lock.js';

export interface Backlog {
  /** Commits without line counts, patch-id and full-text row yet. */
  details: number;
  /** Commits the link stage has not seen yet (a query links at most a few itself); 0 without chats, where linking finds nothing. */
  links: number;
  /** Tracked TS/JS files while the import graph holds none: the graph was never built. */
  graphUnbuilt: number;
  /** Messages and learnings without a search vector. */
  vectors: number;
  /** The detached worker (hook or backfill) holding this repository's lock, if one runs. */
  worker: { running: boolean; pid?: number };
}

/** What waits for the background worker (or `lore index --wait`) in this repository: `lore doctor` shows it. */
export async function backlog(db: Db, repo: RepoInfo): Promise<Backlog> {
  const graphFiles = importGraphStats(db, repo.root).files;
  const graphUnbuilt = graphFiles > 0 ? 0 : (await trackedFiles(repo.root)).filter(isCodeFile).length;
  return {
    details: countCommitsToEnrich(db, repo.root),
    links: countChatSessions(db, repo.root) > 0 || countFileEdits(db, repo.root) > 0 ? countCommitsToLink(db, repo.root) : 0,
    graphUnbuilt,
    vectors: countPendingEmbeddings(db),
    worker: lockStatus(workerLockPath(repo.gitDir)),
  };
}
