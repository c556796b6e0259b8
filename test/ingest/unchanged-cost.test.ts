import * as fs from 'node:fs';
import { appendFileSync, copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CLAUDE_FIXTURES, claudeProjects, run, tmpDir } from '../helpers/ingest.js';
import { tempDb } from '../helpers/temp-db.js';

// Every synchronous file-system call the ingest makes, spied on, so a test can say what an
// unchanged transcript costs: `lore why` runs the ingest first whenever no watcher is running.
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  const spied: Record<string, unknown> = { ...real };
  for (const name of ['statSync', 'lstatSync', 'openSync', 'readFileSync', 'readdirSync', 'existsSync'] as const) spied[name] = vi.fn(real[name]);
  return { ...spied, default: spied };
});

const SPIED = ['statSync', 'lstatSync', 'openSync', 'readFileSync', 'readdirSync', 'existsSync'] as const;

/** The spied calls made on `path` (or on a name beside it, such as `<path>-wal`), in order. */
function callsOn(path: string): string[] {
  const calls: Array<{ name: string; order: number }> = [];
  for (const name of SPIED) {
    const spy = vi.mocked(fs[name] as (...a: unknown[]) => unknown);
    spy.mock.calls.forEach((args, i) => {
      if (typeof args[0] === 'string' && args[0].startsWith(path)) calls.push({ name, order: spy.mock.invocationCallOrder[i]! });
    });
  }
  return calls.sort((a, b) => a.order - b.order).map((c) => c.name);
}

afterEach(() => vi.clearAllMocks());

describe('ingest of unchanged transcripts', () => {
  it('costs one stat for an Aider input history (no look inside for a SQLite header)', async () => {
    const { db } = tempDb();
    const file = join(tmpDir(), '.aider.input.history');
    writeFileSync(file, '\n# 2026-01-01 10:00:00.000000\n+add a test\n');
    const first = await run(db, { sources: ['aider'], paths: [file] });
    expect(first.result.sources[0]!.filesRead).toBe(1);
    vi.clearAllMocks();
    const again = await run(db, { sources: ['aider'], paths: [file] });
    expect(again.result.sources[0]!.filesRead).toBe(0);
    expect(callsOn(file)).toEqual(['statSync']);
    db.close();
  });

  it('costs one stat for a Claude Code transcript and a Gemini record', async () => {
    const { db } = tempDb();
    const claude = claudeProjects([join(CLAUDE_FIXTURES, 'codemie-code/session-9eda1058.jsonl')]).files[0]!;
    const chats = join(tmpDir(), '.gemini/tmp/p1/chats');
    mkdirSync(chats, { recursive: true });
    const gemini = join(chats, 'session-x.json');
    copyFileSync(join(CLAUDE_FIXTURES, '../gemini/codemie-code/session-2026-01-16T11-01-file-ops-37b7abef.json'), gemini);
    const first = await run(db, { paths: [claude, gemini] });
    expect(first.result.sources.map((s) => [s.source, s.filesRead])).toEqual([['claude-code', 1], ['gemini', 1]]);
    vi.clearAllMocks();
    const again = await run(db, { paths: [claude, gemini] });
    expect(again.result.sources.map((s) => [s.source, s.filesRead])).toEqual([['claude-code', 0], ['gemini', 0]]);
    expect(callsOn(claude)).toEqual(['statSync']);
    expect(callsOn(gemini)).toEqual(['statSync']);
    db.close();
  });
});

describe('ingest of a changed whole-file transcript', () => {
  it('stats a Gemini record once for its stamp and cursor, and reads it once', async () => {
    const { db } = tempDb();
    const chats = join(tmpDir(), '.gemini/tmp/p1/chats');
    mkdirSync(chats, { recursive: true });
    const gemini = join(chats, 'session-x.json');
    copyFileSync(join(CLAUDE_FIXTURES, '../gemini/codemie-code/session-2026-01-16T11-01-file-ops-37b7abef.json'), gemini);
    await run(db, { paths: [gemini] });
    appendFileSync(gemini, ' ');
    vi.clearAllMocks();
    const changed = await run(db, { paths: [gemini] });
    expect(changed.result.sources.map((s) => [s.source, s.filesRead])).toEqual([['gemini', 1]]);
    // The ingest's stat and head, then the adapter's stamp (whose stat the stored cursor reuses) and read.
    expect(callsOn(gemini)).toEqual(['statSync', 'openSync', 'statSync', 'readFileSync']);
    db.close();
  });
});
