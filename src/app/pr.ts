import { existsSync } from 'node:fs';
import * as pathApi from 'node:path';
import type { Reporter } from '../events.js';
import { findRepo, resolveRange } from '../git/index.js';
import { prSummary, stats as statsOf, type PrResult, type StatsResult } from '../query/index.js';
import { UsageError } from '../errors.js';
import { catchUpRepo } from './catch-up.js';
import { dbPathOf, withDb, type Place } from './repo-context.js';

/**
 * `lore pr [BASE..HEAD]`: the range is checked with git before the database is touched (a typo
 * stores nothing), the database caught up (the branch's newest commits are linked), then read.
 */
export async function pr(place: Place, spec: string | undefined, report: Reporter): Promise<PrResult> {
  const repo = await findRepo(place.cwd);
  const range = await resolveRange(repo.root, spec);
  const dbPath = dbPathOf(place);
  return withDb(dbPath, async (db) => {
    await catchUpRepo({ repo, db, dbPath }, report);
    return prSummary(db, repo.root, range);
  });
}

/** `lore stats [PATH] [--since DATE]`: AI-written lines per tool, file and week. */
export async function stats(place: Place, options: { path?: string; since?: string }, report: Reporter): Promise<StatsResult> {
  const repo = await findRepo(place.cwd);
  const since = options.since !== undefined ? parseSince(options.since) : undefined;
  const path = options.path !== undefined ? repoPath(repo.root, place.cwd, options.path) : undefined;
  const dbPath = dbPathOf(place);
  return withDb(dbPath, async (db) => {
    await catchUpRepo({ repo, db, dbPath }, report);
    const result = statsOf(db, repo.root, { ...(path ? { path } : {}), ...(since !== undefined ? { since } : {}) });
    // A mistyped PATH would read as "0 of 0 added lines": say so, unless it is there or has history.
    if (path && result.total.added === 0 && !existsSync(pathApi.join(repo.root, path)) && (since === undefined || statsOf(db, repo.root, { path }).total.added === 0)) {
      throw new UsageError(`${options.path}: no file or folder of that name in the repository or its history`, 'name a path in the repository, or leave PATH out for the whole repository');
    }
    return result;
  });
}

function parseSince(text: string): number {
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
  if (Number.isNaN(ms)) throw new UsageError(`--since ${text}: not a date`, 'write a date such as 2026-01-31');
  return Math.floor(ms / 1000);
}

/** PATH as the user typed it (relative to where they are) → repo-relative, '' for the root. */
function repoPath(root: string, cwd: string, path: string): string | undefined {
  const { relative, resolve, sep } = pathApi;
  const rel = relative(root, resolve(cwd, path)).split(sep).join('/');
  if (rel.startsWith('..')) throw new UsageError(`${path} is outside the repository`, `name a path under ${root}`);
  return rel === '' ? undefined : rel;
}
