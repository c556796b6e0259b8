import { ForeignStoreError } from '../db/index.js';
import { isRecord, previousStamp, stampOf } from './file-state.js';
import type { Cursor, SourceRecord } from './types.js';

/**
 * What the adapters that read a tool's SQLite store (Cursor, OpenCode, Crush) share: a store is
 * read again only when it or its WAL (written first) changed, and within it only the units
 * (sessions, composers) whose version moved since the last read; a store that cannot be opened
 * now is retried, never given up.
 */
export interface StoreStart {
  /** The stamp the read's last checkpoint stores (wholeFileCursor). */
  stamp: string;
  /** The version of each unit when it was last read (`from.state[unit]`). */
  seen: Record<string, number>;
}

/**
 * Where a read of the store `file` starts, or the one record to yield instead: `from` again when
 * neither the store, its WAL nor the `also` files moved since it was stored.
 */
export function storeReadStart(file: string, from: Cursor | undefined, unit?: string, also: string[] = []): StoreStart | SourceRecord {
  const stamp = stampOf([file, `${file}-wal`, ...also]);
  if (from && previousStamp(from) === stamp) return { kind: 'checkpoint', cursor: from };
  const state = from?.state;
  const seen = unit && isRecord(state) && isRecord(state[unit]) ? (state[unit] as Record<string, number>) : {};
  return { stamp, seen };
}

/** The skip record for a store that failed mid-read; the caller yields no checkpoint, so the next pass retries. */
export function storeSkip(file: string, err: unknown): SourceRecord {
  if (err instanceof ForeignStoreError) return { kind: 'skip', reason: `${file}: store ${err.problem}, will retry (${err.message})` };
  return { kind: 'skip', reason: `${file}: ${err instanceof Error ? err.message : String(err)}` };
}
