import { resolveDbPath } from '../config/index.js';
import { openDb, type Db } from '../db/index.js';
import { findRepo, type RepoInfo } from '../git/index.js';
import type { Reporter } from '../events.js';
import type { GlobalArgs } from './output.js';

export interface RepoContext {
  repo: RepoInfo;
  db: Db;
  dbPath: string;
}

export function cwdOf(args: GlobalArgs): string {
  return args.C ?? process.cwd();
}

export function dbPathOf(args: GlobalArgs): string {
  return resolveDbPath(process.env, args.db);
}

/** Finds the repository first (so a bad cwd writes nothing), then opens the database. */
export async function openRepoContext(args: GlobalArgs): Promise<RepoContext> {
  const repo = await findRepo(cwdOf(args));
  const dbPath = dbPathOf(args);
  return { repo, db: openDb(dbPath), dbPath };
}

/** Commits whose line counts and patch-ids a command computes itself; more go to the background worker. */
const INLINE_DETAILS = 500;

/**
 * Runs the catch-up stages for the repository (lazily loaded: the pipeline pulls in git and db).
 * After a large backfill, line counts and patch-ids are left to the detached worker (`lore index
 * --wait`, which does them all in the foreground, goes through indexRepo instead).
 */
export async function catchUpRepo(ctx: RepoContext, report: Reporter, options: { chats?: boolean | string[] } = {}) {
  const { catchUp, startWorker } = await import('../app/index.js');
  const r = await catchUp(ctx.db, ctx.repo, report, { enrichLimit: INLINE_DETAILS, ...(options.chats !== undefined ? { chats: options.chats } : {}) });
  if (r.details.remaining > 0) startWorker(ctx.repo.root, ctx.dbPath);
  return r;
}

/** Runs the embedding stage with the configured model (vectors for what was added since the last run). */
async function embedStage(db: Db, report: Reporter, options: { limit?: number } = {}) {
  const [{ embedPending }, { resolveEmbedder }] = await Promise.all([import('../app/index.js'), import('../embed/index.js')]);
  const r = await embedPending(db, resolveEmbedder(process.env), { report, ...options });
  if (r.status === 'model-changed') {
    report({ type: 'warning', message: `stored vectors were made by ${r.model}, not the configured model: run \`lore reindex --vectors\` (search uses full text until then)` });
  }
  return r;
}

/** Brings the import graph up to date (lazily loaded: it may load the TypeScript compiler). */
export async function updateImportGraphRepo(ctx: RepoContext, report: Reporter, options: { parseLimit?: number } = {}) {
  const { updateImportGraph } = await import('../app/index.js');
  return updateImportGraph(ctx.db, ctx.repo, report, options);
}

/** Files `lore index` parses itself for the import graph; more (a first build of a large repo) go to the background worker. */
const INLINE_GRAPH_FILES = 200;
/** Items `lore index` embeds itself; a larger backlog goes to the background worker. */
const INLINE_VECTORS = 2000;

/**
 * What `lore index` and `lore init` run: every stage. Without `wait`, heavy derived work (line
 * counts and patch-ids of over 500 commits, a first import graph of over 200 files, over 2,000
 * search vectors) is left to one detached backfill worker, so the command returns once the commits
 * are stored and `lore why` can answer; `wait` does it all in the foreground.
 */
export async function indexRepo(ctx: RepoContext, report: Reporter, options: { wait?: boolean } = {}) {
  const { catchUp, startBackfillWorker } = await import('../app/index.js');
  const wait = options.wait ?? false;
  const r = await catchUp(ctx.db, ctx.repo, report, wait ? {} : { enrichLimit: INLINE_DETAILS });
  const graph = await updateImportGraphRepo(ctx, report, wait ? {} : { parseLimit: INLINE_GRAPH_FILES });
  const started = performance.now();
  const vectors = await embedStage(ctx.db, report, wait ? {} : { limit: INLINE_VECTORS });
  const vectorsMs = Math.round(performance.now() - started);
  // Vectors of commit messages wait for their messages rows, which the details pass adds.
  const left = r.details.remaining > 0 || graph.deferred > 0 || vectors.deferred > 0;
  const inBackground = left && startBackfillWorker(ctx.repo.root, ctx.dbPath);
  return { ...r, graph, vectors, inBackground, ms: { ...r.ms, importGraph: graph.ms, vectors: vectorsMs } };
}
