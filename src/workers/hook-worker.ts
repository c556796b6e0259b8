/**
 * Entry point the git hooks start, detached: `node dist/hook-worker.js <repo dir> [db file]`. It
 * drains the hook queue into the database under a per-repo lock, fills line counts and patch-ids,
 * and exits. It never prints (its output goes to /dev/null) and imports neither yargs nor ts-morph,
 * so it starts fast. Failures are appended to <git dir>/lore/worker.log; the queue keeps the
 * events, so the next run or query retries.
 */
// The one use case it runs, not app/index.ts: that also reaches the import graph (TypeScript).
import { refreshBlameGraphOf } from '../app/blame-graph.js';
import { catchUp } from '../app/catch-up.js';
import { runWorker } from './worker-main.js';

runWorker((db, repo) => catchUp(db, repo).then(() => refreshBlameGraphOf(db, repo)));
