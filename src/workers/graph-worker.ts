/**
 * The import-graph worker `lore watch` forks (graphWorker in app/graph-process.ts):
 * `node dist/graph-worker.js <db file> [idle ms]` with an IPC channel. For each `{ id, repo }` it
 * receives it updates that repository's import graph and answers `{ id, result }` or
 * `{ id, error }`. A process of its own, so the TypeScript compiler never stays in the
 * long-running watcher; it lingers after its last request, so a run of saves pays the compiler's
 * load once, and exits when idle or when the watcher goes away.
 */
import { graphUpdater } from '../app/graph-process.js';
import type { RepoInfo } from '../app/index.js';

interface Request {
  id: number;
  /** The watcher found it already: no second discovery (for a worktree, a git process) per update. */
  repo: RepoInfo;
  /** Answer the whole result (a one-off run beside a backfill), not the counts a watcher needs. */
  detail?: boolean;
}

const dbPath = process.argv[2];
const idleMs = Number(process.argv[3] ?? 30_000);
if (!dbPath || !process.send) {
  process.stderr.write('graph-worker.js is started by lore watch (with an IPC channel): graph-worker.js <db file> [idle ms]\n');
  process.exitCode = 1;
} else {
  const graph = graphUpdater(dbPath);
  let idle: NodeJS.Timeout | undefined;
  const quit = () => {
    graph.close();
    process.exit(0);
  };
  const arm = () => {
    if (idle) clearTimeout(idle);
    idle = setTimeout(quit, idleMs);
  };
  process.on('disconnect', quit);
  // The channel can close while this module still loads (a parent killed at once): the event has
  // gone by then, and the worker would wait out its whole idle time as an orphan.
  if (!process.connected) quit();
  process.on('message', (m: Request) => {
    if (idle) clearTimeout(idle);
    void (async () => {
      try {
        process.send!({ id: m.id, result: await graph.update(m.repo, m.detail) });
      } catch (err) {
        process.send!({ id: m.id, error: (err as Error)?.message ?? String(err) });
      }
      arm();
    })();
  });
  arm();
}
