// The application's public surface: one function per use case and the types of what they return,
// for src/cli to call and render, and the stages' runners the tests drive. (src/workers load the
// one use case each runs straight from its file, to stay light.)
export { noteFailure, openRepoContext, type Place, type RepoContext } from './repo-context.js';
export { why, type QueryOptions } from './why.js';
export { refresh, pendingWork, repositoryOf, type Pending } from './agent.js';
export { fileContext, type ContextResult, type FileContext } from './context.js';
export { indexRepo, initRepo, type IndexRun } from './index-repo.js';
export { catchUp, type CatchUpResult, type CatchUpOptions } from './catch-up.js';
export { related } from './related.js';
export { search, type SearchRequest } from './search.js';
export { learn, learnings } from './learnings.js';
export { sessions, showSession, forget, type SessionsRequest } from './sessions.js';
export { manageHooks, type HookAction } from './manage-hooks.js';
export { ingestChats } from './ingest-chats.js';
export { reindex } from './reindex.js';
export { doctor, type Repair } from './doctor.js';
export type { Check, DoctorReport, FixAction, SourceLag } from './doctor-checks.js';
export { startWatching, installWatchService, uninstallWatchService, type WatchOptions } from './watch.js';
export { tryLock, type Lock } from './lock.js';
export { embedPending, reindexVectors, type EmbedResult, type EmbedOptions } from './embed-vectors.js';
export { applyGraphWrites, updateImportGraph, importGraphIsCurrent, importGraphNeedsUpdate, type ImportGraphResult, type ImportGraphOptions } from './import-graph.js';
export { backlog, type Backlog } from './backlog.js';

// Loaded when called: the start-up of every other command does not pay for them.
export const pr: typeof import('./pr.js').pr = async (...args) => (await import('./pr.js')).pr(...args);
export const stats: typeof import('./pr.js').stats = async (...args) => (await import('./pr.js')).stats(...args);
export { graphWorker, startImportGraph, type GraphUpdate, type GraphWorker, type GraphWorkerOptions } from './graph-process.js';

// What the use cases return, as the renderers of src/cli need it.
export type { Db, SessionSummary, StoredEdit, StoredMessage, GraphNeighbor } from '../db/index.js';
export type { RepoInfo, HookStatus } from '../git/index.js';
export type { IngestResult } from '../ingest/index.js';
export { offerReadThread } from '../ingest/index.js';
export type { CommitInfo, CommitRequest, DecisionInfo, RequestInfo, LearningInfo, LearningsResult, ProvenanceInfo, RelatedResult, SearchHit, SearchMode, SearchResult, WhyResult } from '../query/index.js';
export type { PrResult, StatsResult } from '../query/index.js';
export type { ServiceOptions, ServiceResult, WatchEvent } from '../watch/index.js';
export { sync, type SyncOptions, type SyncResult, type NoteSummary } from './sync.js';
export const exportAgentTrace: typeof import('./export.js').exportAgentTrace = async (...args) => (await import('./export.js')).exportAgentTrace(...args);
export type { AgentTraceExport } from './export.js';
