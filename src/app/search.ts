import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { openDb } from '../db/index.js';
import { resolveEmbedder } from '../embed/index.js';
import type { Reporter } from '../events.js';
import { search as searchDb, type SearchOptions, type SearchResult } from '../query/index.js';
import { catchUpRepo } from './catch-up.js';
import { dbPathOf, findRepoOrNone, type Place } from './repo-context.js';
import type { QueryOptions } from './why.js';

/** What `lore search` looks for; `projects` and `file` as the user typed them (paths from `place.cwd`). */
export type SearchRequest = Omit<SearchOptions, 'projects' | 'file'> & { projects?: string[]; file?: string };

/**
 * `lore search`: catches up the repository it runs in (if any), then searches chats, commits and
 * learnings of every repository.
 */
export async function search(place: Place, request: SearchRequest, report: Reporter, options: QueryOptions = {}): Promise<SearchResult> {
  const repo = await findRepoOrNone(place.cwd);
  const dbPath = dbPathOf(place);
  const db = openDb(dbPath, { mmap: true });
  try {
    if (repo && options.catchUp !== false) await catchUpRepo({ repo, db, dbPath }, report);
    const { projects, file, ...rest } = request;
    return await searchDb(
      db,
      {
        ...rest,
        ...(projects ? { projects: projects.map((p) => projectPath(p, place.cwd, repo?.root)) } : {}),
        ...(file ? { file: repoRelative(file, place.cwd, repo?.root) } : {}),
      },
      { embedder: resolveEmbedder(place.env ?? process.env) },
    );
  } finally {
    db.close();
  }
}

function projectPath(p: string, cwd: string, repoRoot: string | undefined): string {
  if (p === '.' && repoRoot) return repoRoot;
  const abs = resolve(cwd, p);
  try {
    return realpathSync(abs);
  } catch {
    return abs;
  }
}

function repoRelative(file: string, cwd: string, repoRoot: string | undefined): string {
  if (!repoRoot) return file;
  const abs = isAbsolute(file) ? file : resolve(cwd, file);
  const rel = relative(repoRoot, abs);
  return rel.startsWith('..') || isAbsolute(rel) ? file : rel.split(sep).join('/');
}
