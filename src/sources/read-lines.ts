import { isUtf8 } from 'node:buffer';
import { open } from 'node:fs/promises';

/**
 * A stand-in line reader with the same shape as the shared JSONL reader the ingest work is building
 * (`readJsonl`): complete lines only (a partial last line waits for its newline), byte offsets for
 * resuming, over-long lines reported and dropped without being held in memory.
 */
export interface Line {
  /** 1-based line number (counted from `startLine` at `offset`). */
  line: number;
  /** Byte offset of the line's first byte. */
  start: number;
  /** Byte offset just past the line's newline: where to resume. */
  end: number;
  /** Parsed JSON (unless `raw`). */
  value?: unknown;
  /** The text without its newline (when `raw`). */
  text?: string;
  error?: string;
}

export interface ReadLinesOptions {
  offset?: number;
  startLine?: number;
  maxLineBytes?: number;
  chunkBytes?: number;
  raw?: boolean;
  /** Also yield blank lines (Markdown needs them; JSONL does not). */
  keepBlank?: boolean;
  /** Decode invalid UTF-8 with replacement characters instead of reporting the line (Markdown). */
  lossy?: boolean;
}

export async function* readLines(file: string, options: ReadLinesOptions = {}): AsyncGenerator<Line> {
  const maxLine = options.maxLineBytes ?? 32 * 1024 * 1024;
  const chunkSize = options.chunkBytes ?? 1024 * 1024;
  const handle = await open(file, 'r');
  try {
    let position = options.offset ?? 0;
    let line = options.startLine ?? 1;
    let pieces: Buffer[] = [];
    let pieceBytes = 0;
    let lineStart = position;
    let oversized = false;
    const buf = Buffer.allocUnsafe(chunkSize);
    for (;;) {
      const { bytesRead } = await handle.read(buf, 0, chunkSize, position);
      if (bytesRead === 0) return;
      const chunkStart = position;
      position += bytesRead;
      let from = 0;
      for (;;) {
        const nl = buf.indexOf(10, from);
        if (nl === -1 || nl >= bytesRead) {
          const rest = bytesRead - from;
          if (rest > 0 && !oversized) {
            if (pieceBytes + rest > maxLine) {
              oversized = true;
              pieces = [];
            } else pieces.push(Buffer.from(buf.subarray(from, bytesRead)));
          }
          pieceBytes += rest;
          break;
        }
        const end = chunkStart + nl + 1;
        const length = pieceBytes + (nl - from);
        if (oversized || length > maxLine) {
          yield { line, start: lineStart, end, error: `line of ${length} bytes is over the ${maxLine}-byte limit` };
        } else {
          let bytes = buf.subarray(from, nl);
          if (pieces.length > 0) {
            pieces.push(bytes);
            bytes = Buffer.concat(pieces, length);
          }
          const parsed = toLine(bytes, line, lineStart, end, options);
          if (parsed) yield parsed;
        }
        pieces = [];
        pieceBytes = 0;
        oversized = false;
        line++;
        lineStart = end;
        from = nl + 1;
      }
    }
  } finally {
    await handle.close();
  }
}

function toLine(bytes: Buffer, line: number, start: number, end: number, options: ReadLinesOptions): Line | undefined {
  if (bytes.length > 0 && bytes[bytes.length - 1] === 13) bytes = bytes.subarray(0, bytes.length - 1);
  if (bytes.length === 0 && !options.keepBlank) return undefined;
  if (!options.lossy && !isUtf8(bytes)) return { line, start, end, error: 'invalid UTF-8' };
  const text = bytes.toString('utf8');
  if (options.raw) return { line, start, end, text };
  if (text.trim() === '') return undefined;
  try {
    return { line, start, end, value: JSON.parse(text) as unknown };
  } catch {
    return { line, start, end, error: 'invalid JSON' };
  }
}

/** True for a plain JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
