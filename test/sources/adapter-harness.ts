import type { Cursor, FileEditRecord, MessageRecord, SessionRecord, SourceAdapter, SourceRecord } from '../../src/sources/index.js';

export { REAL, tempDir } from './collect-records.js';

export interface ReadResult {
  records: SourceRecord[];
  sessions: Map<string, SessionRecord>;
  /** Messages by id, a later record for an id replacing the earlier one (as the store upserts). */
  messages: Map<string, MessageRecord>;
  edits: Map<string, FileEditRecord>;
  skips: { line?: number; reason: string }[];
  cursor?: Cursor;
}

/** Reads a file through an adapter and folds the records the way the store would (upsert by id). */
export async function readAll(adapter: SourceAdapter, file: string, from?: Cursor, into?: ReadResult): Promise<ReadResult> {
  const r: ReadResult = into ?? { records: [], sessions: new Map(), messages: new Map(), edits: new Map(), skips: [] };
  for await (const rec of adapter.read(file, from)) {
    r.records.push(rec);
    if (rec.kind === 'session') r.sessions.set(rec.session.id, { ...r.sessions.get(rec.session.id), ...rec.session });
    else if (rec.kind === 'message') r.messages.set(rec.message.id, rec.message);
    else if (rec.kind === 'edit') r.edits.set(rec.edit.id, rec.edit);
    else if (rec.kind === 'skip') r.skips.push({ ...(rec.line !== undefined ? { line: rec.line } : {}), reason: rec.reason });
    else r.cursor = rec.cursor;
  }
  return r;
}

export function count(r: ReadResult, role: string, kind?: string): number {
  let n = 0;
  for (const m of r.messages.values()) if (m.role === role && (kind === undefined || m.kind === kind)) n++;
  return n;
}
