import { createRequire } from 'node:module';
import type * as SqliteVec from 'sqlite-vec';
import { MMAP_BYTES, type Db } from './open.js';

/**
 * Embedding vectors in one sqlite-vec table created on first use with the model's width:
 * `vec_items` (float, cosine), partitioned by `bucket` = vector_items.id >> BUCKET_BITS, so a
 * query scans only the newest buckets: sqlite-vec's KNN is a brute-force scan, whose time grows
 * with every vector it reads (docs/performance.md, "Storage"). Older items are found by full text. Row ids are vector_items.id. The model id is stored in vector_meta; vectors of
 * two models never mix.
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

/** Vectors per partition (2^13), and how many of the newest partitions a query scans (8k–16k vectors). */
const BUCKET_BITS = 13;
const BUCKETS_SEARCHED = 2;
/** Table layout version; an older layout is dropped and re-embedded. */
const LAYOUT = '3';

const loaded = new WeakSet<Db>();

/** Loads sqlite-vec into this connection once; only vector work needs it (the hook worker never does). */
function loadVectorExtension(db: Db): void {
  if (loaded.has(db)) return;
  // Required here, not imported: the package is then loaded by the runs that store or search
  // vectors, not by every command that opens the database (docs/start-up.md).
  (createRequire(import.meta.url)('sqlite-vec') as typeof SqliteVec).load(db);
  // A KNN scan reads every vector: memory-mapped pages make that a walk through the page cache
  // (also for a connection opened without its map, as `lore watch`'s is).
  db.pragma(`mmap_size = ${MMAP_BYTES}`);
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
  db.transaction(() => {
    db.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS vec_items USING vec0(bucket integer partition key, embedding float[${model.dims}] distance_metric=cosine)`);
    setMeta(db, 'model', model.model);
    setMeta(db, 'dims', model.dims);
    setMeta(db, 'layout', LAYOUT);
  }).immediate();
  return true;
}

/** Whether stored vectors use an older table layout (then the embed stage starts them over). */
export function hasOldVectorLayout(db: Db): boolean {
  return vectorModel(db) !== undefined && meta(db, 'layout') !== LAYOUT;
}

/** Drops every vector and the model record (for `lore reindex --vectors`). */
export function clearVectors(db: Db): void {
  loadVectorExtension(db);
  db.transaction(() => {
    db.exec('DROP TABLE IF EXISTS vec_items; DROP TABLE IF EXISTS vec_bits; DELETE FROM vector_items; DELETE FROM vector_meta;'); // vec_bits: layout 1
  }).immediate();
}

const SOURCES: Record<VectorKind, string> = { message: 'messages', learning: 'learnings' };

/**
 * Message kinds that get no vector: tool calls, tool output and meta lines are long, noisy and
 * ranked at half weight anyway; leaving them out keeps the scanned vector window for what people
 * and assistants wrote (prompts, answers, commits) and learnings.
 */
const UNEMBEDDED_KINDS = "('tool_call', 'tool_result', 'meta')";

/**
 * The next items to embed after the kind's cursor, the last rowid scanned (the new cursor), and
 * `stale`: scanned rows that get no vector but have one (a message that became a tool call after
 * it was embedded as thinking; src/db/sessions.ts rewinds the cursor over changed messages).
 */
export function pendingEmbeddings(db: Db, kind: VectorKind, limit: number): { items: PendingItem[]; lastRowid: number; done: boolean; stale: string[] } {
  const cursor = Number(meta(db, `cursor:${kind}`) ?? 0);
  const rows = db
    .prepare(
      `SELECT rowid, id AS ref, substr(content, 1, 4000) AS content, ${kind === 'message' ? `coalesce(json_extract(metadata, '$.kind'), '') IN ${UNEMBEDDED_KINDS}` : '0'} AS skip
       FROM ${SOURCES[kind]} WHERE rowid > ? ORDER BY rowid LIMIT ?`,
    )
    .all(cursor, limit) as (PendingItem & { skip: number })[];
  const skipped = rows.filter((r) => r.skip).map((r) => r.ref);
  const hasVector = db.prepare('SELECT 1 FROM vector_items WHERE kind = ? AND ref = ?');
  const stale = skipped.filter((ref) => hasVector.get(kind, ref) !== undefined);
  return { items: rows.filter((r) => !r.skip).map(({ skip: _skip, ...item }) => item), lastRowid: rows.length ? rows[rows.length - 1]!.rowid : cursor, done: rows.length === 0, stale };
}

/** How many messages and learnings the embed stage has not looked at yet. */
export function countPendingEmbeddings(db: Db): number {
  let n = 0;
  for (const kind of ['message', 'learning'] as const) {
    const cursor = Number(meta(db, `cursor:${kind}`) ?? 0);
    n += (db.prepare(`SELECT count(*) AS n FROM ${SOURCES[kind]} WHERE rowid > ?`).get(cursor) as { n: number }).n;
  }
  return n;
}

/** Stores one batch of vectors, drops the `stale` ones and moves the kind's cursor to `lastRowid`, in one short transaction. */
export function storeVectors(db: Db, kind: VectorKind, items: PendingItem[], vectors: Float32Array[], lastRowid: number, stale: string[] = []): void {
  if (items.length === 0 && stale.length === 0) {
    setMeta(db, `cursor:${kind}`, lastRowid);
    return;
  }
  loadVectorExtension(db);
  const upsertItem = db.prepare('INSERT INTO vector_items (kind, ref) VALUES (?, ?) ON CONFLICT(kind, ref) DO UPDATE SET kind = kind RETURNING id');
  const delFloat = db.prepare('DELETE FROM vec_items WHERE rowid = ?');
  const insFloat = db.prepare('INSERT INTO vec_items (rowid, bucket, embedding) VALUES (?, ?, ?)');
  db.transaction(() => {
    for (const [i, item] of items.entries()) {
      const id = BigInt((upsertItem.get(kind, item.ref) as { id: number }).id);
      const blob = Buffer.from(vectors[i]!.buffer, vectors[i]!.byteOffset, vectors[i]!.byteLength);
      delFloat.run(id);
      insFloat.run(id, id >> BigInt(BUCKET_BITS), blob);
    }
    const dropItem = db.prepare('DELETE FROM vector_items WHERE kind = ? AND ref = ? RETURNING id');
    for (const ref of stale) {
      const gone = dropItem.get(kind, ref) as { id: number } | undefined;
      if (gone) delFloat.run(BigInt(gone.id));
    }
    setMeta(db, `cursor:${kind}`, lastRowid);
  }).immediate();
}

/** Deletes the vectors of these items (inside the caller's transaction): what forget leaves must not be findable. */
export function dropVectors(db: Db, kind: VectorKind, refs: string[]): void {
  if (refs.length === 0) return;
  const dropItem = db.prepare('DELETE FROM vector_items WHERE kind = ? AND ref = ? RETURNING id');
  const tables = hasVectorTables(db);
  if (tables) loadVectorExtension(db);
  const delFloat = tables ? db.prepare('DELETE FROM vec_items WHERE rowid = ?') : undefined;
  for (const ref of refs) {
    const gone = dropItem.get(kind, ref) as { id: number } | undefined;
    if (gone) delFloat?.run(BigInt(gone.id));
  }
}

/** The k stored items nearest to `vector`, exact cosine, among the newest BUCKETS_SEARCHED partitions. */
export function nearestItems(db: Db, vector: Float32Array, k: number): NearItem[] {
  if (!hasVectorTables(db) || hasOldVectorLayout(db)) return [];
  loadVectorExtension(db);
  const blob = Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
  const newest = (db.prepare('SELECT coalesce(max(id), 0) AS n FROM vector_items').get() as { n: number }).n >> BUCKET_BITS;
  const knn = db.prepare('SELECT rowid, distance FROM vec_items WHERE embedding MATCH ? AND k = ? AND bucket = ?');
  const rows: { rowid: number; distance: number }[] = [];
  for (let b = newest; b > newest - BUCKETS_SEARCHED && b >= 0; b--) rows.push(...(knn.all(blob, k, b) as typeof rows));
  rows.sort((a, b) => a.distance - b.distance).splice(k);
  if (rows.length === 0) return [];
  const byId = new Map(
    (db.prepare('SELECT id, kind, ref FROM vector_items WHERE id IN (SELECT value FROM json_each(?))').all(JSON.stringify(rows.map((r) => Number(r.rowid)))) as { id: number; kind: VectorKind; ref: string }[]).map((r) => [r.id, r]),
  );
  return rows.flatMap((r) => {
    const item = byId.get(Number(r.rowid));
    return item ? [{ kind: item.kind, ref: item.ref, distance: r.distance }] : [];
  });
}
