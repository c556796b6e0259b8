import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Cursor, FileEditRecord, MessageRecord, SessionRecord, SourceAdapter, SourceEnv } from '../../src/sources/index.js';
import { REAL_FIXTURES } from '../fixtures/paths.mjs';

/** The real fixtures beside the repo (read-only: copy before changing). */
export const REAL = REAL_FIXTURES;

export interface Collected {
  sessions: SessionRecord[];
  messages: MessageRecord[];
  edits: FileEditRecord[];
  skips: Array<{ line?: number; reason: string }>;
  checkpoints: Cursor[];
  /** The last checkpoint, to pass to the next read. */
  cursor: Cursor | undefined;
}

/** Runs one read() to the end and sorts its records by kind. */
export async function collect(adapter: SourceAdapter, file: string, from?: Cursor): Promise<Collected> {
  const out: Collected = { sessions: [], messages: [], edits: [], skips: [], checkpoints: [], cursor: undefined };
  for await (const r of adapter.read(file, from)) {
    if (r.kind === 'session') out.sessions.push(r.session);
    else if (r.kind === 'message') out.messages.push(r.message);
    else if (r.kind === 'edit') out.edits.push(r.edit);
    else if (r.kind === 'skip') out.skips.push({ line: r.line, reason: r.reason });
    else out.checkpoints.push(r.cursor);
  }
  out.cursor = out.checkpoints.at(-1) ?? from;
  return out;
}

export function tempDir(prefix = 'lore-src-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Copies a real fixture (file or dir) into `dest`, creating parents. */
export function copyFixture(rel: string, dest: string): string {
  cpSync(join(REAL, rel), dest, { recursive: true });
  return dest;
}

export function envFor(home: string, platform: NodeJS.Platform, env: NodeJS.ProcessEnv = {}): SourceEnv {
  return { env, home, platform, knownRepos: [] };
}

export function count<T>(items: T[], pred: (t: T) => boolean): number {
  return items.filter(pred).length;
}
