import { isUtf8 } from 'node:buffer';
import { closeSync, openSync, readSync } from 'node:fs';

/**
 * A shared line reader for the JSONL transcripts most tools append to (Claude Code, Codex, new
 * Gemini, Copilot and Cursor transcripts). It reads from a byte offset, yields only complete lines
 * (a partial last line waits for its newline: the writer is still appending it), never holds a
 * line longer than `maxLineBytes` in memory (the bytes are counted and dropped, and the line is
 * reported), and reports invalid UTF-8 and bad JSON per line instead of throwing.
 */
export interface JsonlLine {
  /** 1-based line number (counted from `startLine` at `offset`). */
  line: number;
  /** Byte offset of the line's first byte. */
  start: number;
  /** Byte offset just past the line's newline: where to resume. */
  end: number;
  /** The parsed JSON value, when the line parsed. */
  value?: unknown;
  /** Why the line is unusable ('invalid JSON', 'invalid UTF-8', 'line of N bytes is over the limit'). */
  error?: string;
}

export interface JsonlOptions {
  /** Byte offset to start at; must be the start of a line (a cursor's offset). Default 0. */
  offset?: number;
  /** The line number of the line at `offset`. Default 1. */
  startLine?: number;
  /** Longer lines are skipped without being buffered whole. Default 32 MiB. */
  maxLineBytes?: number;
  /** Read size. Default 1 MiB. */
  chunkBytes?: number;
  /** Yield lines with no parsing (`value` undefined): for callers that parse themselves. */
  raw?: boolean;
}

export interface RawLine extends JsonlLine {
  /** The line's text without the newline (set when `raw`, and the line is valid UTF-8). */
  text?: string;
}

export const DEFAULT_MAX_LINE_BYTES = 32 * 1024 * 1024;

/**
 * Reads complete JSONL lines from `file`, starting at `options.offset`. Blank lines are skipped
 * silently. A synchronous generator (the reads are synchronous): an adapter's `for await` takes it
 * as well, and a reader that loops with plain `for` pays no promise per line.
 */
export function* readJsonl(file: string, options: JsonlOptions = {}): Generator<RawLine> {
  const maxLine = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const chunkSize = options.chunkBytes ?? 1024 * 1024;
  // Synchronous reads of 1 MiB: local files are in the page cache or close to it, and a thread-pool
  // round trip per chunk costs more than the read itself (docs/performance.md, Sources).
  const fd = openSync(file, 'r');
  try {
    let position = options.offset ?? 0;
    let line = options.startLine ?? 1;
    // The current line's bytes so far (when it spans reads), or its length once over the limit.
    let pieces: Buffer[] = [];
    let pieceBytes = 0;
    let lineStart = position;
    let oversized = false;
    const buf = Buffer.allocUnsafe(chunkSize);
    for (;;) {
      const bytesRead = readSync(fd, buf, 0, chunkSize, position);
      if (bytesRead === 0) return; // EOF: a pending partial line waits for its newline
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
        } else if (length > 0 && !(length === 1 && buf[nl - 1] === 13)) {
          let bytes = buf.subarray(from, nl);
          if (pieces.length > 0) {
            pieces.push(bytes);
            bytes = Buffer.concat(pieces, length);
          }
          yield parseLine(bytes, line, lineStart, end, options.raw === true);
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
    closeSync(fd);
  }
}

function parseLine(bytes: Buffer, line: number, start: number, end: number, raw: boolean): RawLine {
  // A CRLF file (Windows editors) leaves the \r: JSON.parse tolerates it as whitespace.
  if (!isUtf8(bytes)) return { line, start, end, error: 'invalid UTF-8' };
  const text = bytes.toString('utf8');
  if (raw) return { line, start, end, text };
  if (text.trim() === '') return { line, start, end, error: 'blank line' };
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    return { line, start, end, error: 'invalid JSON' };
  }
  // Parsing copes with any depth, but adapters stringify and walk values recursively: one line
  // deep enough to overflow the stack would end the read of the whole file, now and on every retry.
  if (isNestedTooDeep(text, value)) return { line, start, end, error: `JSON nested deeper than ${MAX_JSON_DEPTH} levels` };
  return { line, start, end, value };
}

/**
 * Deepest JSON nesting a reader accepts. V8's JSON.stringify overflows the stack between 1,000
 * and 5,000 levels (less when called deep in a generator chain); no tool writes anything near it.
 */
export const MAX_JSON_DEPTH = 512;

/** Whether `value`, parsed from `text`, nests objects/arrays deeper than `max`. */
export function isNestedTooDeep(text: string, value: unknown, max = MAX_JSON_DEPTH): boolean {
  // Each level opens a bracket: a line with fewer brackets cannot be that deep, and the count stops
  // at `max`, so ordinary lines cost a few native searches and no walk of the value.
  if (!hasBrackets(text, max)) return false;
  return depthOver(value, max, false);
}

/**
 * Replaces every object or array deeper than `max` levels in `value` (in place) by a short note,
 * and says whether it did: for whole documents (a session in one JSON file), where dropping the
 * one deep value keeps the rest of the session.
 */
export function pruneDeepJson(text: string, value: unknown, max = MAX_JSON_DEPTH): boolean {
  if (!hasBrackets(text, max)) return false;
  return depthOver(value, max, true);
}

function hasBrackets(text: string, n: number): boolean {
  let count = 0;
  for (const bracket of ['{', '[']) {
    for (let i = text.indexOf(bracket); i !== -1; i = text.indexOf(bracket, i + 1)) if (++count >= n) return true;
  }
  return false;
}

/** An explicit stack, not recursion: the point is to survive values that would overflow it. */
function depthOver(value: unknown, max: number, prune: boolean): boolean {
  if (!isContainer(value)) return false;
  let found = false;
  const stack: Array<[Record<string, unknown> | unknown[], number]> = [[value, 1]];
  while (stack.length > 0) {
    const [container, depth] = stack.pop()!;
    const keys: Array<string | number> = Array.isArray(container) ? container.map((_, i) => i) : Object.keys(container);
    for (const key of keys) {
      const child = (container as Record<string | number, unknown>)[key];
      if (!isContainer(child)) continue;
      if (depth + 1 > max) {
        if (!prune) return true;
        found = true;
        (container as Record<string | number, unknown>)[key] = `[JSON nested deeper than ${max} levels: left out]`;
      } else stack.push([child, depth + 1]);
    }
  }
  return found;
}

function isContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  return typeof value === 'object' && value !== null;
}

/** True for a plain JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
