import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { statOrUndefined } from '../fs.js';
import type { Cursor, SourceRecord } from './types.js';
import { isRecord, pruneDeepJson } from './jsonl.js';
import { crypto } from '../builtins.js';

/**
 * Incremental reading helpers shared by the adapters in this folder: where to resume an appended
 * JSONL file (lines themselves come from ./jsonl.ts), and whole files or stores re-read only when
 * a stamp of their size and mtime changes (docs/sources.md, rules 1 and 2).
 */

const HEAD_BYTES = 256;

/** The file's first `length` bytes (fewer when it is shorter), or undefined when it cannot be read. */
export function readHead(file: string, length: number): Buffer | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const buf = Buffer.alloc(length);
    const n = readSync(fd, buf, 0, length, 0);
    return buf.subarray(0, n);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** `<bytes hashed>:<sha1>` of the file's first bytes; a later read hashes the same length. */
export function headHash(file: string, length = HEAD_BYTES): string | undefined {
  const head = readHead(file, length);
  return head && `${head.length}:${crypto().createHash('sha1').update(head).digest('hex')}`;
}

/**
 * Whether the file still starts with the bytes `stored` (a headHash) hashed, else it was rewritten.
 * `now` is the file's head hashed this run, reused when it covers the same length (a file that
 * grew past the hashed length), so the head is read once.
 */
export function isSameHead(file: string, stored: string | null | undefined, now?: string): boolean {
  if (!stored) return true;
  const length = Number(stored.slice(0, stored.indexOf(':')));
  if (!Number.isFinite(length)) return false;
  return (now?.startsWith(`${length}:`) ? now : headHash(file, length)) === stored;
}

/**
 * Where to resume an appended file: `from.offset`, or 0 when the file shrank or its head changed
 * (it was rewritten; ids are deterministic, so reading it again is idempotent).
 */
export interface ResumePoint {
  start: number;
  cursorAt: (offset: number, state?: unknown) => Cursor;
}

export function resumePoint(file: string, from: Cursor | undefined): ResumePoint {
  const st = statSync(file);
  const head = headHash(file, Math.min(HEAD_BYTES, st.size));
  let start = from?.offset ?? 0;
  if (from && (st.size < from.offset || !isSameHead(file, from.headHash, head))) start = 0;
  return { start, cursorAt: (offset, state) => ({ offset, size: st.size, mtimeMs: st.mtimeMs, headHash: head, state }) };
}

/** A stamp of several files' sizes and mtimes (missing files count too); `stats`: theirs, when already taken. */
export function stampOf(paths: string[], stats = paths.map(statOrUndefined)): string {
  const parts = paths.map((p, i) => {
    const st = stats[i];
    return st ? `${p}:${st.size}:${st.mtimeMs}` : `${p}:-`;
  });
  return crypto().createHash('sha1').update(parts.join('\n')).digest('hex');
}

/** The cursor of a whole file or store that is re-read when its stamp changes; `st`: its stat, when already taken. */
export function wholeFileCursor(file: string, stamp: string, state?: Record<string, unknown>, st = statOrUndefined(file)): Cursor {
  // No stat: gone since it was read; the stamp still says what was seen.
  const size = st?.isFile() ? st.size : 0;
  return { offset: size, size, mtimeMs: st?.mtimeMs ?? 0, state: { ...state, stamp } };
}

/** The stamp a previous whole-file read stored, if any. */
export function previousStamp(from: Cursor | undefined): string | undefined {
  const s = from?.state as { stamp?: unknown } | undefined;
  return typeof s?.stamp === 'string' ? s.stamp : undefined;
}

/** Parses a whole JSON document; any value nested too deep to stringify is replaced by a note (pruneDeepJson). */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
  pruneDeepJson(text, value);
  return { ok: true, value };
}

export { isRecord } from './jsonl.js';

/** An object given as itself or as its JSON text (tool arguments come either way); else `{}`. */
export function recordOf(value: unknown): Record<string, unknown> {
  if (isRecord(value)) return value;
  if (typeof value !== 'string') return {};
  const parsed = parseJson(value);
  return parsed.ok && isRecord(parsed.value) ? parsed.value : {};
}

/**
 * A session title from its first prompt, for a tool that stores none: the first line that says
 * something (a pasted prompt's later lines would break a listing's rows). Not cut here: ingest
 * redacts a title before cutting it, so a key crossing the cut is never left half-masked.
 */
export function promptTitle(text: string): string | undefined {
  return text.split('\n').find((l) => l.trim())?.trim() || undefined;
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The skip record for a file an adapter cannot read (gone, permission denied, ...). */
export function unreadable(err: unknown): SourceRecord {
  return { kind: 'skip', reason: `cannot read file: ${(err as NodeJS.ErrnoException).code ?? String(err)}` };
}

/** resumePoint, or the skip record saying why the file cannot be read. */
export function openResume(file: string, from: Cursor | undefined): ResumePoint | SourceRecord {
  try {
    return resumePoint(file, from);
  } catch (err) {
    return unreadable(err);
  }
}

/** A whole file's text, read because its stamp changed, and the cursor its last checkpoint stores. */
export interface ChangedText {
  text: string;
  cursor: Cursor;
}

/**
 * A whole file re-read only when the stamp of `stampPaths` (default: the file) moved since `from`:
 * its text and final cursor, or the one record to yield instead: `from` again as the checkpoint
 * when nothing changed, the skip record when the file cannot be read.
 */
export function readWhenChanged(file: string, from: Cursor | undefined, stampPaths: string[] = [file]): ChangedText | SourceRecord {
  const stats = stampPaths.map(statOrUndefined);
  const stamp = stampOf(stampPaths, stats);
  if (from && previousStamp(from) === stamp) return { kind: 'checkpoint', cursor: from };
  try {
    const text = readFileSync(file, 'utf8');
    // The cursor from the stat the stamp was made of: the file is stat'ed once per read.
    return { text, cursor: wholeFileCursor(file, stamp, undefined, stampPaths[0] === file ? stats[0] : undefined) };
  } catch (err) {
    return unreadable(err);
  }
}
