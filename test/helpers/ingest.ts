import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Db } from '../../src/db/index.js';
import { ingest, type IngestOptions, type IngestResult } from '../../src/ingest/index.js';
import type { LoreEvent } from '../../src/events.js';
import type { SourceAdapter } from '../../src/sources/index.js';
import { REAL_FIXTURES } from '../fixtures/paths.mjs';

export const CLAUDE_FIXTURES = join(REAL_FIXTURES, 'claude-code');

export function tmpDir(prefix = 'lore-ingest-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Copies fixture files into a fresh `projects/<slug>/` tree (writable); returns the copies' paths. */
export function claudeProjects(files: string[], slug = '-work-repo'): { root: string; files: string[] } {
  const root = join(tmpDir('lore-claude-'), 'projects');
  const dir = join(root, slug);
  mkdirSync(dir, { recursive: true });
  return {
    root,
    files: files.map((f) => {
      const to = join(dir, basename(f));
      copyFileSync(f, to);
      return to;
    }),
  };
}

/** Runs the ingest, collecting warnings. */
export async function run(db: Db, options: IngestOptions): Promise<{ result: IngestResult; warnings: LoreEvent[] }> {
  const warnings: LoreEvent[] = [];
  const result = await ingest(db, { config: { excludeProjects: [], embed: {} }, ...options, report: (e) => e.type === 'warning' && warnings.push(e) });
  return { result, warnings };
}

/** Every stored row that ingest writes, for comparing two databases (times of writing excluded). */
export function rowSet(db: Db): Record<string, unknown[]> {
  return {
    sessions: db.prepare('SELECT id, project_path, title, created_at, last_message_at, source, metadata FROM sessions ORDER BY id').all(),
    messages: db.prepare('SELECT id, session_id, role, content, created_at, metadata FROM messages ORDER BY id').all(),
    edits: db.prepare('SELECT id, session_id, message_id, request_id, project_path, path, tool, old_text, new_text, created_at, metadata FROM file_edits ORDER BY id').all(),
    cursors: db.prepare('SELECT path, source, size, offset, head_hash, state, skipped FROM source_files ORDER BY path').all(),
  };
}

export function count(db: Db, sql: string, ...params: unknown[]): number {
  return (db.prepare(sql).get(...params) as { n: number }).n;
}

/**
 * A source adapter made for one test: it matches every file given by path, is found nowhere on its
 * own and watches nothing, and reads with `read`.
 */
export function testAdapter(a: Pick<SourceAdapter, 'id' | 'name' | 'watchedFiles' | 'read'> & Partial<Pick<SourceAdapter, 'locate'>>): SourceAdapter {
  return { envOverrides: [], watchRoots: () => [], locate: async () => [], matches: () => true, ...a };
}
