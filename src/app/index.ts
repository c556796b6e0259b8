// The application's public surface: the use cases the CLI runs (src/workers load the one they
// run straight from its file, to stay light).
export { catchUp, type CatchUpResult, type CatchUpOptions } from './catch-up.js';
export { startBackfillWorker, startWorker } from './start-worker.js';
export { tryLock, lockHolder, watchLockPath, watcherStatus, acquireWatchLock, type Lock } from './lock.js';
export { embedPending, reindexVectors, type EmbedResult, type EmbedOptions } from './embed-vectors.js';
export { updateImportGraph, importGraphIsCurrent, importGraphNeedsUpdate, type ImportGraphResult, type ImportGraphOptions } from './import-graph.js';
export { backlog, type Backlog } from './backlog.js';
export { graphWorker, type GraphUpdate, type GraphWorker, type GraphWorkerOptions } from './graph-process.js';
export { pipelineStages, type StageDeps } from './watch-stages.js';
export type { Db } from '../db/index.js';
export type { RepoInfo } from '../git/index.js';
