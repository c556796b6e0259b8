import { countPendingEmbeddings, listRepos, loadCodeFiles, type Db } from '../db/index.js';
import type { Embedder } from '../embed/index.js';
import { silent, type Reporter } from '../events.js';
import { findRepo } from '../git/index.js';
import { ingest } from '../ingest/index.js';
import type { WatchStages } from '../watch/index.js';
import { refreshBlameGraphOf } from './blame-graph.js';
import { catchUp } from './catch-up.js';
import { isExcluded, loadConfig } from '../config/index.js';
import { embedPending } from './embed-vectors.js';
import { graphWorker } from './graph-process.js';
import { importGraphNeedsUpdate } from './import-graph.js';

export interface StageDeps {
  embedder: Embedder;
  /** The database file, for the import-graph worker process. */
  dbPath: string;
  /** How long the import-graph worker waits for the next update before it exits (default 30 s). */
  graphIdleMs?: number;
  env?: NodeJS.ProcessEnv;
  report?: Reporter;
  /** Vectors per batch round; the rest waits for the next round, so a batch stays short. */
  embedBatches?: number;
}

/** The real stages, the same ones `lore index` runs, for the watcher to call on what changed. */
export function watchStages(db: Db, deps: StageDeps): WatchStages {
  const report = deps.report ?? silent;
  const graph = graphWorker(db, deps.dbPath, deps.graphIdleMs !== undefined ? { idleMs: deps.graphIdleMs } : {});
  return {
    repoRoots: () => listRepos(db).map((r) => r.projectPath),
    repoInfo: async (root) => findRepo(root).catch(() => undefined),
    ingest: async (paths) => {
      const r = await ingest(db, { report, ...(deps.env ? { env: deps.env } : {}), ...(paths ? { paths } : {}) });
      return r.sources.reduce((n, s) => n + s.messages, 0);
    },
    catchUp: async (repo) => {
      // Chats are the ingest stage's job here: the watcher reads only the files that changed.
      // A repository listed under excludeProjects after it was indexed is left alone.
      if (isExcluded(loadConfig(deps.env ?? process.env), repo.root)) return 0;
      const r = await catchUp(db, repo, report, { chats: false, ...(deps.env ? { env: deps.env } : {}) });
      if (r.commits.added > 0) await refreshBlameGraphOf(db, repo, deps.env);
      return r.commits.added;
    },
    embed: async () => {
      const r = await embedPending(db, deps.embedder, { report, maxBatches: deps.embedBatches ?? 8 });
      return { added: r.embedded, backlog: r.status === 'ok' ? countPendingEmbeddings(db) : 0 };
    },
    graphFiles: (root) => [...loadCodeFiles(db, root).keys()],
    // A stat per file decides; the update runs in a child process, so the compiler it loads
    // leaves with it and the watcher stays small.
    updateGraph: async (repo) => ((await importGraphNeedsUpdate(db, repo)) ? (await graph.update(repo)).parsed : 0),
    close: () => graph.close(),
  };
}
