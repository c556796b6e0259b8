import { createHash } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import type { Cursor } from './types.js';

/** How many leading bytes identify a file: when they change, the file was rewritten. */
const HEAD_BYTES = 4096;

export interface FileView {
  size: number;
  mtimeMs: number;
  /** The file's first bytes (up to HEAD_BYTES) as they were when reading started. */
  head: Buffer;
}

/** Stats a file and reads its head; returns a reason instead of throwing. */
export async function viewFile(file: string): Promise<FileView | { error: string }> {
  try {
    const st = await stat(file);
    if (!st.isFile()) return { error: 'not a regular file' };
    const handle = await open(file, 'r');
    try {
      const head = Buffer.alloc(Math.min(HEAD_BYTES, st.size));
      const { bytesRead } = await handle.read(head, 0, head.length, 0);
      return { size: st.size, mtimeMs: st.mtimeMs, head: head.subarray(0, bytesRead) };
    } finally {
      await handle.close();
    }
  } catch (err) {
    return { error: `cannot read file: ${(err as NodeJS.ErrnoException).code ?? String(err)}` };
  }
}

/** `<n>:<sha1 of the first n bytes>`, n = min(upTo, HEAD_BYTES, bytes we have). */
export function headHash(view: FileView, upTo: number): string {
  const n = Math.min(upTo, HEAD_BYTES, view.head.length);
  return `${n}:${createHash('sha1').update(view.head.subarray(0, n)).digest('hex')}`;
}

/** Whether the bytes a cursor has seen are still the file's first bytes (append-only growth). */
export function isSameHead(view: FileView, cursor: Cursor): boolean {
  if (!cursor.headHash) return false;
  const n = Number(cursor.headHash.split(':', 1)[0]);
  if (!Number.isInteger(n) || n > view.head.length) return false;
  return headHash(view, n) === cursor.headHash;
}

/**
 * Where an append-only file should be read from: the cursor's offset when the file only grew,
 * else the start (it was truncated or rewritten; deterministic ids make re-reading idempotent).
 */
export function resumeFrom(view: FileView, from: Cursor | undefined): Cursor | undefined {
  if (!from) return undefined;
  if (from.offset > view.size || !isSameHead(view, from)) return undefined;
  return from;
}

/** Whether a whole-file (rewritten) store is exactly as the cursor saw it. */
export function isUnchanged(view: FileView, from: Cursor | undefined): boolean {
  return !!from && from.size === view.size && from.mtimeMs === view.mtimeMs && from.offset === view.size && isSameHead(view, from);
}

export function makeCursor(view: FileView, offset: number, state?: unknown): Cursor {
  return { offset, size: view.size, mtimeMs: view.mtimeMs, headHash: headHash(view, offset), ...(state === undefined ? {} : { state }) };
}
