import { clearVectors, ensureVectorTables, hasOldVectorLayout, pendingEmbeddings, storeVectors, vectorModel, type Db, type VectorKind } from '../db/index.js';
import type { Embedder } from '../embed/index.js';
import { silent, type Reporter } from '../events.js';

export interface EmbedResult {
  embedded: number;
  /** 'model-changed': vectors of another model are stored; nothing was embedded (run reindexVectors). */
  status: 'ok' | 'model-changed';
  model: string;
}

export interface EmbedOptions {
  batch?: number;
  /** Stop after this many batches (the watcher keeps each round short); default: until done. */
  maxBatches?: number;
  report?: Reporter;
}

/**
 * The embedding stage: vectors for messages and learnings added since the last run, in batches,
 * one short write transaction per batch. Runs in `lore index`, `lore watch` and `lore reindex`,
 * never in the hook worker.
 */
export async function embedPending(db: Db, embedder: Embedder, options: EmbedOptions = {}): Promise<EmbedResult> {
  const batch = options.batch ?? 256;
  const report = options.report ?? silent;
  if (hasOldVectorLayout(db)) clearVectors(db); // vectors of an earlier lore: recompute them
  const stored = vectorModel(db);
  if (stored && stored.model !== embedder.id) return { embedded: 0, status: 'model-changed', model: stored.model };
  let embedded = 0;
  let batches = 0;
  for (const kind of ['message', 'learning'] as VectorKind[]) {
    for (;;) {
      if (options.maxBatches !== undefined && batches >= options.maxBatches) return { embedded, status: 'ok', model: embedder.id };
      const { items, lastRowid, done, stale } = pendingEmbeddings(db, kind, batch);
      if (done) break;
      const vectors = await embedder.embed(items.map((i) => i.content));
      if (vectors.length > 0 && !ensureVectorTables(db, { model: embedder.id, dims: vectors[0]!.length })) return { embedded, status: 'model-changed', model: vectorModel(db)!.model };
      storeVectors(db, kind, items, vectors, lastRowid, stale);
      embedded += items.length;
      batches++;
      report({ type: 'progress', stage: 'vectors', done: embedded });
    }
  }
  report({ type: 'stage-end', stage: 'vectors' });
  return { embedded, status: 'ok', model: embedder.id };
}

/** Drops every stored vector and embeds everything again with `embedder` (after a model change). */
export async function reindexVectors(db: Db, embedder: Embedder, options: EmbedOptions = {}): Promise<EmbedResult> {
  clearVectors(db);
  return embedPending(db, embedder, options);
}
