// The sources folder's public surface.
export * from './types.js';
export { adapters, adapterById } from './registry.js';
export { readJsonl, isRecord, DEFAULT_MAX_LINE_BYTES, type JsonlLine, type JsonlOptions, type RawLine } from './jsonl.js';
export { headHash, readHead } from './file-state.js';
