// The ingest folder's public surface: normalize, redact, dedupe.
export { redact, type Redaction } from './redact.js';
