import * as sqliteVec from 'sqlite-vec';
import type { Db } from './open.js';

/**
 * Embedding vectors, in two sqlite-vec tables created on first use with the model's width:
 * `vec_items` (float, cosine: exact KNN and re-ranking) and `vec_bits` (sign bits: a fast
 * Hamming prefilter once there are too many rows for an exact scan). Row ids are
 * vector_items.id. The model id is stored in vector_meta; vectors of two models never mix.
 */
export type VectorKind = 'message' | 'learning';

export interface VectorModel {
  model: string;
  dims: number;
}

export interface PendingItem {
  rowid: number;
  ref: string;
  content: string;
}

export interface NearItem {
  kind: VectorKind;
  ref: string;
  /** Cosine distance, 0 (same direction) .. 2. */
  distance: number;
}

/** Above this many vectors a query prefilters on sign bits instead of scanning every float vector. */
export const EXACT_SCAN_LIMIT = 20_000;

const loaded = new WeakSet<Db>();

/** Loads sqlite-vec into this connection once; only vector work needs it (the hook worker never does). */
export function loadVectorExtension(db: Db): void {
  if (loaded.has(db)) return;
  sqliteVec.load(db);
  // A KNN scan reads every vector: memory-mapped pages make that a walk through the page cache.
  db.pragma('mmap_size = 1073741824');
  loaded.add(db);
}

function meta(db: Db, key: string): string | undefined {
  return (db.prepare('SELECT value FROM vector_meta WHERE key = ?').get(key) as { value: string } | undefined)?.value;
}

function setMeta(db: Db, key: string, value: string | number): void {
  db.prepare('INSERT INTO vector_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, String(value));
}

/** The model that made the stored vectors, if any were made. */
export function vectorModel(db: Db): VectorModel | undefined {
  const model = meta(db, 'model');
  const dims = Number(meta(db, 'dims'));
  return model && dims > 0 ? { model, dims } : undefined;
}

function hasVectorTables(db: Db): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'vec_items'").get() !== undefined;
}

/**
 * Records `model` as the vectors' model and creates the vec0 tables. Returns false (and changes
 * nothing) when vectors of another model are stored: the caller must `clearVectors` first.
 */
export function ensureVectorTables(db: Db, model: VectorModel): boolean {
  const current = vectorModel(db);
  if (current && (current.model !== model.model || current.dims !== model.dims)) return false;
  loadVectorExtension(db);
  if (current && hasVectorTables(db)) return true;
  const bits = Math.ceil(model.dims / 8) * 8;
  db.transaction(() => {
    db.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS vec_items USING vec0(embedding float[${model.dims}] distance_metric=cosine)`);
    db.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS vec_bits USING vec0(bits bit[${bits}])`);
    setMeta(db, 'model', model.model);
    setMeta(db, 'dims', model.dims);
  }).immediate();
  return true;
}

/** Drops every vector and the model record (for `lore reindex --vectors`). */
export function clearVectors(db: Db): void {
  loadVectorExtension(db);
  db.transaction(() => {
    db.exec('DROP TABLE IF EXISTS vec_items; DROP TABLE IF EXISTS vec_bits; DELETE FROM vector_items; DELETE FROM vector_meta;');
  }).immediate();
}

const SOURCES: Record<VectorKind, string> = { message: 'messages', learning: 'learnings' };

/** The next items not embedded yet (by rowid, after the kind's cursor). */
export function pendingEmbeddings(db: Db, kind: VectorKind, limit: number): PendingItem[] {
  const cursor = Number(meta(db, `cursor:${kind}`) ?? 0);
  return db
    .prepare(`SELECT rowid, id AS ref, substr(content, 1, 4000) AS content FROM ${SOURCES[kind]} WHERE rowid > ? ORDER BY rowid LIMIT ?`)
    .all(cursor, limit) as PendingItem[];
}

/** How many messages and learnings wait for a vector. */
export function countPendingEmbeddings(db: Db): number {
  let n = 0;
  for (const kind of ['message', 'learning'] as const) {
    const cursor = Number(meta(db, `cursor:${kind}`) ?? 0);
    n += (db.prepare(`SELECT count(*) AS n FROM ${SOURCES[kind]} WHERE rowid > ?`).get(cursor) as { n: number }).n;
  }
  return n;
}

/** Stores one batch of vectors and moves the kind's cursor past it, in one short transaction. */
export function storeVectors(db: Db, kind: VectorKind, items: PendingItem[], vectors: Float32Array[]): void {
  if (items.length === 0) return;
  loadVectorExtension(db);
  const upsertItem = db.prepare('INSERT INTO vector_items (kind, ref) VALUES (?, ?) ON CONFLICT(kind, ref) DO UPDATE SET kind = kind RETURNING id');
  const delFloat = db.prepare('DELETE FROM vec_items WHERE rowid = ?');
  const delBits = db.prepare('DELETE FROM vec_bits WHERE rowid = ?');
  const insFloat = db.prepare('INSERT INTO vec_items (rowid, embedding) VALUES (?, ?)');
  const insBits = db.prepare('INSERT INTO vec_bits (rowid, bits) VALUES (?, vec_quantize_binary(?))');
  db.transaction(() => {
    for (const [i, item] of items.entries()) {
      const id = BigInt((upsertItem.get(kind, item.ref) as { id: number }).id);
      const blob = Buffer.from(vectors[i]!.buffer, vectors[i]!.byteOffset, vectors[i]!.byteLength);
      delFloat.run(id);
      delBits.run(id);
      insFloat.run(id, blob);
      insBits.run(id, blob);
    }
    setMeta(db, `cursor:${kind}`, items[items.length - 1]!.rowid);
  }).immediate();
}

/** Number of stored vectors. */
export function countVectors(db: Db): number {
  return (db.prepare('SELECT count(*) AS n FROM vector_items').get() as { n: number }).n;
}

/**
 * The k stored items nearest to `vector`: an exact cosine scan up to EXACT_SCAN_LIMIT vectors,
 * beyond that a sign-bit Hamming prefilter of 2k candidates re-ranked by exact cosine.
 */
export function nearestItems(db: Db, vector: Float32Array, k: number): NearItem[] {
  if (!hasVectorTables(db)) return [];
  loadVectorExtension(db);
  const blob = Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
  let rows: { rowid: number; distance: number }[];
  // max(id) rather than count(*): a size estimate that costs one index probe.
  const size = (db.prepare('SELECT coalesce(max(id), 0) AS n FROM vector_items').get() as { n: number }).n;
  if (size <= EXACT_SCAN_LIMIT) {
    rows = db.prepare('SELECT rowid, distance FROM vec_items WHERE embedding MATCH ? AND k = ?').all(blob, k) as typeof rows;
  } else {
    const candidates = db.prepare('SELECT rowid FROM vec_bits WHERE bits MATCH vec_quantize_binary(?) AND k = ?').all(blob, Math.min(Math.max(k * 2, 40), 100)) as { rowid: number }[];
    rows = db
      .prepare(`SELECT rowid, vec_distance_cosine(embedding, ?) AS distance FROM vec_items WHERE rowid IN (SELECT value FROM json_each(?)) ORDER BY distance LIMIT ?`)
      .all(blob, JSON.stringify(candidates.map((c) => Number(c.rowid))), k) as typeof rows;
  }
  if (rows.length === 0) return [];
  const byId = new Map(
    (db.prepare('SELECT id, kind, ref FROM vector_items WHERE id IN (SELECT value FROM json_each(?))').all(JSON.stringify(rows.map((r) => Number(r.rowid)))) as { id: number; kind: VectorKind; ref: string }[]).map((r) => [r.id, r]),
  );
  return rows.flatMap((r) => {
    const item = byId.get(Number(r.rowid));
    return item ? [{ kind: item.kind, ref: item.ref, distance: r.distance }] : [];
  });
}
