import { clearVectors, countPendingEmbeddings, ensureVectorTables, hasOldVectorLayout, pendingEmbeddings, storeVectors, vectorModel, type Db, type VectorKind } from '../db/index.js';
import type { Embedder } from '../embed/index.js';
import { silent, type Reporter } from '../events.js';

export interface EmbedResult {
  embedded: number;
  /** 'model-changed': vectors of another model are stored; nothing was embedded (run reindexVectors). */
  status: 'ok' | 'model-changed';
  model: string;
  /** Items left without vectors because more than `limit` waited (the background worker embeds them); 0 otherwise. */
  deferred: number;
}

export interface EmbedOptions {
  batch?: number;
  /** Stop after this many batches (the watcher keeps each round short); default: until done. */
  maxBatches?: number;
  /** Embed only when at most this many items wait; otherwise leave them all and return `deferred` (default: no limit). */
  limit?: number;
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
  if (stored && stored.model !== embedder.id) return { embedded: 0, status: 'model-changed', model: stored.model, deferred: 0 };
  if (options.limit !== undefined) {
    const waiting = countPendingEmbeddings(db);
    if (waiting > options.limit) return { embedded: 0, status: 'ok', model: embedder.id, deferred: waiting };
  }
  let embedded = 0;
  let batches = 0;
  for (const kind of ['message', 'learning'] as VectorKind[]) {
    for (;;) {
      if (options.maxBatches !== undefined && batches >= options.maxBatches) return { embedded, status: 'ok', model: embedder.id, deferred: 0 };
      const { items, lastRowid, done, stale } = pendingEmbeddings(db, kind, batch);
      if (done) break;
      const vectors = await embedder.embed(items.map((i) => i.content));
      if (vectors.length > 0 && !ensureVectorTables(db, { model: embedder.id, dims: vectors[0]!.length })) return { embedded, status: 'model-changed', model: vectorModel(db)!.model, deferred: 0 };
      storeVectors(db, kind, items, vectors, lastRowid, stale);
      embedded += items.length;
      batches++;
      // Lets pending I/O run between batches: git processes writing to this one's pipes meanwhile.
      await new Promise((resolve) => setImmediate(resolve));
      report({ type: 'progress', stage: 'vectors', done: embedded });
    }
  }
  report({ type: 'stage-end', stage: 'vectors' });
  return { embedded, status: 'ok', model: embedder.id, deferred: 0 };
}

/** Drops every stored vector and embeds everything again with `embedder` (after a model change). */
export async function reindexVectors(db: Db, embedder: Embedder, options: EmbedOptions = {}): Promise<EmbedResult> {
  clearVectors(db);
  return embedPending(db, embedder, options);
}
