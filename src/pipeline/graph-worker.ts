/**
 * The import-graph worker `lore watch` forks (graphWorker in run-graph-worker.ts): `node dist/graph-worker.js <db file>`
 * with an IPC channel. For each `{ id, repo }` it receives it updates that repository's import
 * graph (re-parsing only files whose hash changed) and answers `{ id, result }` or `{ id, error }`.
 * It runs in a process of its own so the TypeScript compiler (~70 MB of RSS once loaded) never
 * stays in the long-running watcher, and it lingers a little after its last request, so a run of
 * saves pays the compiler's load once; it exits when idle or when the watcher goes away.
 */
import { openDb, type Db } from '../db/index.js';
import type { RepoInfo } from '../git/index.js';
import { updateImportGraph } from './import-graph.js';
import { toGraphUpdate } from './run-graph-worker.js';

interface Request {
  id: number;
  /** The watcher found it already: no second discovery (for a worktree, a git process) per update. */
  repo: RepoInfo;
}

const dbPath = process.argv[2];
const idleMs = Number(process.argv[3] ?? 30_000);
if (!dbPath || !process.send) {
  process.stderr.write('graph-worker.js is started by lore watch (with an IPC channel): graph-worker.js <db file> [idle ms]\n');
  process.exitCode = 1;
} else {
  let db: Db | undefined;
  let idle: NodeJS.Timeout | undefined;
  const quit = () => {
    db?.close();
    process.exit(0);
  };
  const arm = () => {
    if (idle) clearTimeout(idle);
    idle = setTimeout(quit, idleMs);
  };
  process.on('disconnect', quit);
  process.on('message', (m: Request) => {
    if (idle) clearTimeout(idle);
    void (async () => {
      try {
        db ??= openDb(dbPath);
        process.send!({ id: m.id, result: toGraphUpdate(await updateImportGraph(db, m.repo)) });
      } catch (err) {
        process.send!({ id: m.id, error: (err as Error)?.message ?? String(err) });
      }
      arm();
    })();
  });
  arm();
}
