import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { HookEvent } from '../db/index.js';

export function queuePath(gitDir: string): string {
  return join(gitDir, 'lore', 'queue');
}

export interface QueueRead {
  events: Omit<HookEvent, 'id'>[];
  /** Offset just past the last complete line read. */
  offset: number;
  /** Lines that did not parse (skipped). */
  skipped: number;
}

/**
 * Reads complete lines appended to the hook queue since `offset`. A line still being written
 * (no newline yet) waits for the next read. A file shorter than `offset` was reset: read it whole.
 */
export function readQueue(gitDir: string, offset: number): QueueRead {
  let fd: number;
  try {
    fd = openSync(queuePath(gitDir), 'r');
  } catch {
    return { events: [], offset: 0, skipped: 0 };
  }
  try {
    const size = fstatSync(fd).size;
    const from = size < offset ? 0 : offset;
    if (size === from) return { events: [], offset: from, skipped: 0 };
    const buf = Buffer.alloc(size - from);
    readSync(fd, buf, 0, buf.length, from);
    const end = buf.lastIndexOf(0x0a);
    if (end === -1) return { events: [], offset: from, skipped: 0 };
    const events: Omit<HookEvent, 'id'>[] = [];
    let skipped = 0;
    for (const line of buf.subarray(0, end).toString('utf8').split('\n')) {
      const e = parseQueueLine(line);
      if (e) events.push(e);
      else if (line.trim() !== '') skipped++;
    }
    return { events, offset: from + end + 1, skipped };
  } finally {
    closeSync(fd);
  }
}

const SHA = /^[0-9a-f]{40,64}$/;

/** `commit <sha>`, `merge <sha>`, `rewrite <old> <new> <amend|rebase>`. */
export function parseQueueLine(line: string): Omit<HookEvent, 'id'> | undefined {
  const [kind, a, b, c] = line.trim().split(/\s+/);
  if ((kind === 'commit' || kind === 'merge') && a && SHA.test(a)) return { kind, payload: a };
  if (kind === 'rewrite' && a && b && SHA.test(a) && SHA.test(b)) return { kind, payload: `${a} ${b} ${c === 'amend' ? 'amend' : 'rebase'}` };
  return undefined;
}
