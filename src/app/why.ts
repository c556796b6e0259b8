import { existsSync } from 'node:fs';
import { hasFileHistory, hasImportGraph, openDb } from '../db/index.js';
import type { Reporter } from '../events.js';
import { findRepo, type GitResult } from '../git/index.js';
import { blameTarget, checkTarget, importGraphLookup, resolveTarget, why as answerWhy, type BlameAt, type WhyResult } from '../query/index.js';
import { adapters } from '../sources/index.js';
import { catchUpRepo, refuseExcluded } from './catch-up.js';
import { importGraphIsCurrent, updateImportGraph } from './import-graph.js';
import { watcherStatus } from './lock.js';
import { dbPathOf, type Place, type RepoContext } from './repo-context.js';

/** How a query treats what is not indexed yet. */
export interface QueryOptions {
  /**
   * Catch the database up first (default true). A long-running caller (the MCP server) passes
   * false: it catches up on its own schedule and answers from what is stored meanwhile.
   */
  catchUp?: boolean;
}

/**
 * `lore why FILE[:LINE]`: brings the database up to date for the repository (cheaply: the answer
 * is what the user waits for), then answers from it.
 */
export async function why(place: Place, targetText: string, report: Reporter, options: QueryOptions & { blame?: Promise<GitResult> } = {}): Promise<WhyResult> {
  const repo = await findRepo(place.cwd);
  refuseExcluded(repo, place.env);
  const target = resolveTarget(targetText, place.cwd, repo.root);
  const dbPath = dbPathOf(place);
  // FILE:LINE: git blame starts first (or was started before lore's code loaded: options.blame)
  // and runs while the database is brought up to date; it is also the check of the path and the
  // line (it fails on what git does not have).
  let blame: Promise<BlameAt> | undefined;
  if (target.line !== undefined) {
    blame = blameTarget(repo, target.path, target.line, options.blame);
    blame.catch(() => {}); // awaited below; an early failure must not be an unhandled rejection
  }
  // A path with stored history needs no question to git; anything else is checked before the
  // database is created or written, so a mistyped path leaves nothing behind.
  const existing = existsSync(dbPath) ? openDb(dbPath, { mmap: true }) : undefined;
  try {
    if (blame && !existing) await blame;
    else if (!blame && (!existing || !hasFileHistory(existing, repo.root, target.path))) await checkTarget(repo, target);
  } catch (err) {
    existing?.close();
    throw err;
  }
  const db = existing ?? openDb(dbPath, { mmap: true });
  try {
    if (options.catchUp !== false) await catchUpForQuery({ repo, db, dbPath }, report);
    return await answerWhy(db, repo, target, { graph: importGraphLookup, ...(blame ? { blame } : {}) });
  } finally {
    db.close();
  }
}

/**
 * The catch-up before an answer of `why` (and of a long-running server between answers): new
 * commits, hook events, chats and links, then the import graph when git's state moved.
 */
export async function catchUpForQuery(ctx: RepoContext, report: Reporter): Promise<void> {
  // A running `lore watch` reads the chats as they are written, but for those kept inside
  // repositories (Aider's), which it does not follow: only these are looked at here then.
  const chats = watcherStatus(ctx.dbPath).running ? adapters.filter((a) => a.inRepository).map((a) => a.id) : true;
  // Only this repository's Claude Code folders: on a machine with thousands of sessions the check
  // of every transcript was most of a query; the rest are read by the hook worker, `lore watch`,
  // `lore ingest` and `lore search` (a session started elsewhere that edited this repository is
  // linked then: an edit stored after its commit was linked makes the link stage redo it).
  await catchUpRepo(ctx, report, { chats, chatsOfRepo: true });
  // Keep a graph that `lore index`/`init`/`related` built fresh when git's state moved since its
  // last refresh; never build one from scratch here, where answering fast matters most.
  if (hasImportGraph(ctx.db, ctx.repo.root) && !importGraphIsCurrent(ctx.db, ctx.repo)) await updateImportGraph(ctx.db, ctx.repo, report);
}
