// The one harness for adapter tests: run an adapter's read() and look at what it yielded, either
// record by record (`collect`) or folded the way the store upserts them (`readAll`).
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Cursor, FileEditRecord, MessageRecord, SessionRecord, SourceAdapter, SourceEnv, SourceRecord } from '../../src/sources/index.js';
import { REAL_FIXTURES } from '../fixtures/paths.mjs';

/** The real fixtures (read-only: copy before changing). */
export const REAL = REAL_FIXTURES;

export function tempDir(prefix = 'lore-src-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Copies a real fixture (file or dir) into `dest`, creating parents. */
export function copyFixture(rel: string, dest: string): string {
  cpSync(join(REAL, rel), dest, { recursive: true });
  return dest;
}

/** A SourceEnv for `home` on `platform`: tests run every OS layout on one machine. */
export function envFor(home: string, platform: NodeJS.Platform, env: NodeJS.ProcessEnv = {}): SourceEnv {
  return { env, home, platform, knownRepos: [] };
}

/** Every record one read() yields, to the end. */
async function readRecords(adapter: SourceAdapter, file: string, from: Cursor | undefined): Promise<SourceRecord[]> {
  const records: SourceRecord[] = [];
  for await (const r of adapter.read(file, from)) records.push(r);
  return records;
}

export interface Collected {
  sessions: SessionRecord[];
  messages: MessageRecord[];
  edits: FileEditRecord[];
  skips: Array<{ line?: number; reason: string }>;
  checkpoints: Cursor[];
  /** The last checkpoint, to pass to the next read. */
  cursor: Cursor | undefined;
}

/** Runs one read() to the end and sorts its records by kind, as yielded (a re-yielded id appears again). */
export async function collect(adapter: SourceAdapter, file: string, from?: Cursor): Promise<Collected> {
  const out: Collected = { sessions: [], messages: [], edits: [], skips: [], checkpoints: [], cursor: undefined };
  for (const r of await readRecords(adapter, file, from)) {
    if (r.kind === 'session') out.sessions.push(r.session);
    else if (r.kind === 'message') out.messages.push(r.message);
    else if (r.kind === 'edit') out.edits.push(r.edit);
    else if (r.kind === 'skip') out.skips.push({ line: r.line, reason: r.reason });
    else out.checkpoints.push(r.cursor);
  }
  out.cursor = out.checkpoints.at(-1) ?? from;
  return out;
}

export interface ReadResult {
  records: SourceRecord[];
  sessions: Map<string, SessionRecord>;
  /** Messages by id, a later record for an id replacing the earlier one (as the store upserts). */
  messages: Map<string, MessageRecord>;
  edits: Map<string, FileEditRecord>;
  skips: { line?: number; reason: string }[];
  cursor?: Cursor;
}

/** Reads a file through an adapter and folds the records the way the store would (upsert by id); `into` adds to an earlier result. */
export async function readAll(adapter: SourceAdapter, file: string, from?: Cursor, into?: ReadResult): Promise<ReadResult> {
  const r: ReadResult = into ?? { records: [], sessions: new Map(), messages: new Map(), edits: new Map(), skips: [] };
  for (const rec of await readRecords(adapter, file, from)) {
    r.records.push(rec);
    if (rec.kind === 'session') r.sessions.set(rec.session.id, { ...r.sessions.get(rec.session.id), ...rec.session });
    else if (rec.kind === 'message') r.messages.set(rec.message.id, rec.message);
    else if (rec.kind === 'edit') r.edits.set(rec.edit.id, rec.edit);
    else if (rec.kind === 'skip') r.skips.push({ ...(rec.line !== undefined ? { line: rec.line } : {}), reason: rec.reason });
    else r.cursor = rec.cursor;
  }
  return r;
}

/** Messages of a folded read with this role (and kind). */
export function count(r: ReadResult, role: string, kind?: string): number {
  let n = 0;
  for (const m of r.messages.values()) if (m.role === role && (kind === undefined || m.kind === kind)) n++;
  return n;
}

/** Items that pass `pred`. */
export function countWhere<T>(items: T[], pred: (t: T) => boolean): number {
  return items.filter(pred).length;
}
