// The sources folder's public surface.
export * from './types.js';
export { adapters, adapterById } from './registry.js';
export { readJsonl, type RawLine } from './jsonl.js';
export { headHash, isSameHead, readHead } from './file-state.js';
