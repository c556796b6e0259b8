/**
 * The command line both detached workers share (hook-worker.ts, backfill-worker.ts):
 * `node <worker> <repo dir> [db file]`. Never prints (its output goes to /dev/null) and imports
 * nothing heavy: the hook worker's start-up cost is this module's.
 */
import { drainRepoQueue, type DrainOptions, type RepoRound } from '../app/drain-queue.js';
import { spawnDetached } from '../app/start-worker.js';

/** Runs `round` under the lock for the repository `process.argv[2]` and database `process.argv[3]`. */
export function runWorker(round: RepoRound, options: DrainOptions = {}): void {
  const script = process.argv[1]!;
  // A burst of work hands over to this same script, started again for the same repository.
  void drainRepoQueue(process.argv[2] ?? process.cwd(), process.argv[3], round, { ...options, env: process.env, handOver: (root, dbPath) => spawnDetached(script, root, dbPath) });
}
