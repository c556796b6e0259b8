// The ingest folder's public surface: normalize, redact, dedupe, and the pipeline that runs the sources.
export { redact, type Redaction } from './redact.js';
export { ingest, type IngestOptions, type IngestResult, type SourceSummary } from './run.js';
export { loadConfig, configPath, isExcluded, type LoreConfig } from './config.js';
export { projectResolver, repoRelativePath, type Project } from './project.js';
export { cleanContent, cleanEditText, dropBase64, cutMiddle, TOOL_OUTPUT_MAX } from './normalize.js';
