// The embedding folder's public surface: one interface, an offline default, an optional HTTP provider.
export type { Embedder } from './types.js';
export { hashEmbedder, hashVector, holdsQueryPiece } from './hash-embedder.js';
export { httpEmbedder, type HttpEmbedderOptions } from './http-embedder.js';
export { resolveEmbedder } from './resolve-embedder.js';
