// The sources folder's public surface.
export * from './types.js';
export { adapters, adapterById } from './registry.js';
