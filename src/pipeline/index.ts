// The pipeline's public surface: the stages, run in order, for one repository.
export { catchUp, type CatchUpResult, type CatchUpOptions } from './catch-up.js';
export { startBackfillWorker, startWorker } from './start-worker.js';
export { tryLock, lockHolder, watchLockPath, watcherStatus, type Lock } from './lock.js';
export { embedPending, reindexVectors, type EmbedResult, type EmbedOptions } from './embed-vectors.js';
export { updateImportGraph, importGraphIsCurrent, type ImportGraphResult, type ImportGraphOptions } from './import-graph.js';
export { backlog, type Backlog } from './backlog.js';
export { graphWorker, importGraphNeedsUpdate, type GraphUpdate, type GraphWorker, type GraphWorkerOptions } from './run-graph-worker.js';
