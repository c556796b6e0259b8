// The ingest folder's public surface: redaction (also used on commit messages) and the pipeline that runs the sources.
export { redact, type Redaction } from './redact.js';
export { ingest, type IngestOptions, type IngestResult, type SourceSummary } from './run.js';
export { offerReadThread, serveReads } from './off-thread.js';
