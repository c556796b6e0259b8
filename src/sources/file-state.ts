import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import type { Cursor } from './types.js';

/**
 * Incremental reading helpers shared by the adapters in this folder: appended JSONL read from a
 * byte offset (a partial last line waits for its newline), and whole files or stores re-read only
 * when a stamp of their size and mtime changes (format doc §0 rules 1 and 2).
 */

const HEAD_BYTES = 256;
const CHUNK = 1 << 16;
/** A line longer than this is skipped without being held in memory. */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;

export interface Line {
  text: string;
  /** Byte offset of the line's first byte: a stable key for tools whose lines carry no id. */
  start: number;
  /** Byte offset just past its newline. */
  end: number;
  /** The line exceeded MAX_LINE_BYTES and was dropped unread (text is empty). */
  tooLong?: boolean;
}

export interface LineRead {
  lines: AsyncGenerator<Line>;
  /** Where reading started (0 when the file was new, rewritten or truncated). */
  start: number;
  /** The cursor to store after all lines were consumed. */
  cursor: () => Cursor;
}

/** `<bytes hashed>:<sha1>` of the file's first bytes; a later read hashes the same length. */
export function headHash(file: string, length = HEAD_BYTES): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const buf = Buffer.alloc(length);
    const n = readSync(fd, buf, 0, length, 0);
    return `${n}:${createHash('sha1').update(buf.subarray(0, n)).digest('hex')}`;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Whether the file still starts with the bytes the cursor saw (else it was rewritten). */
export function isSameHead(file: string, cursor: Cursor): boolean {
  if (!cursor.headHash) return true;
  const len = Number(cursor.headHash.split(':')[0]);
  return headHash(file, Number.isFinite(len) ? len : HEAD_BYTES) === cursor.headHash;
}

/**
 * Complete lines appended since `from`. Reads from `from.offset` unless the file shrank or its head
 * changed, in which case it reads from 0 (ids are deterministic, so re-reading is idempotent).
 */
export function readAppendedLines(file: string, from: Cursor | undefined, state?: unknown): LineRead {
  const st = statSync(file);
  let start = from?.offset ?? 0;
  if (from && (st.size < from.offset || !isSameHead(file, from))) start = 0;
  let offset = start;
  const head = headHash(file, Math.min(HEAD_BYTES, Math.max(st.size, 0)));
  async function* lines(): AsyncGenerator<Line> {
    const fd = openSync(file, 'r');
    try {
      const buf = Buffer.alloc(CHUNK);
      let pending: Buffer[] = [];
      let pendingLen = 0;
      let lineStart = offset;
      let discarding = false;
      let pos = offset;
      for (;;) {
        const n = readSync(fd, buf, 0, CHUNK, pos);
        if (n <= 0) break;
        let from0 = 0;
        for (let i = 0; i < n; i++) {
          if (buf[i] !== 0x0a) continue;
          const end = pos + i + 1;
          if (discarding) {
            yield { text: '', start: lineStart, end, tooLong: true };
          } else {
            pending.push(Buffer.from(buf.subarray(from0, i)));
            const text = Buffer.concat(pending).toString('utf8');
            yield { text, start: lineStart, end };
          }
          offset = end;
          pending = [];
          pendingLen = 0;
          discarding = false;
          lineStart = end;
          from0 = i + 1;
        }
        if (from0 < n && !discarding) {
          pending.push(Buffer.from(buf.subarray(from0, n)));
          pendingLen += n - from0;
          if (pendingLen > MAX_LINE_BYTES) {
            discarding = true;
            pending = [];
            pendingLen = 0;
          }
        }
        pos += n;
      }
      // A trailing partial line is left for the next read: the tool is still writing it.
    } finally {
      closeSync(fd);
    }
  }
  return {
    lines: lines(),
    start,
    cursor: () => ({ offset, size: st.size, mtimeMs: st.mtimeMs, headHash: head, state }),
  };
}

/** A stamp of several files' sizes and mtimes (missing files count too). */
export function stampOf(paths: string[]): string {
  const parts = paths.map((p) => {
    try {
      const st = statSync(p);
      return `${p}:${st.size}:${st.mtimeMs}`;
    } catch {
      return `${p}:-`;
    }
  });
  return createHash('sha1').update(parts.join('\n')).digest('hex');
}

/** The cursor of a whole file or store that is re-read when its stamp changes. */
export function wholeFileCursor(file: string, stamp: string, state?: Record<string, unknown>): Cursor {
  let size = 0;
  let mtimeMs = 0;
  try {
    const st = statSync(file);
    size = st.isFile() ? st.size : 0;
    mtimeMs = st.mtimeMs;
  } catch {
    // gone since we read it; the stamp still says what we saw
  }
  return { offset: size, size, mtimeMs, state: { ...state, stamp } };
}

/** The stamp a previous whole-file read stored, if any. */
export function previousStamp(from: Cursor | undefined): string | undefined {
  const s = from?.state as { stamp?: unknown } | undefined;
  return typeof s?.stamp === 'string' ? s.stamp : undefined;
}

export function parseJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
