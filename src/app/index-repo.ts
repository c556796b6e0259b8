import { nowMs } from '../builtins.js';
import { countCommits, importGraphStats, type Db } from '../db/index.js';
import { resolveEmbedder, type Embedder } from '../embed/index.js';
import type { Reporter } from '../events.js';
import { blameGraphStale, installHooks, recountUnreadable, writeBlameGraph, type HookStatus } from '../git/index.js';
import { blameGraphBeside } from './blame-graph.js';
import { catchUp, INLINE_DETAILS, INLINE_LINKS, refuseExcluded, type CatchUpResult } from './catch-up.js';
import { embedPending, type EmbedResult } from './embed-vectors.js';
import { startImportGraph } from './graph-process.js';
import { applyGraphWrites, updateImportGraph, type ImportGraphResult } from './import-graph.js';
import { importProvenance, type ProvenanceResult } from './provenance.js';
import type { RepoContext } from './repo-context.js';
import { startBackfillWorker } from './start-worker.js';

/** Files `lore index` parses itself for the import graph; more (a first build of a large repo) go to the background worker. */
const INLINE_GRAPH_FILES = 200;
/** Items `lore index` embeds itself; a larger backlog goes to the background worker. */
const INLINE_VECTORS = 2000;
/** Commits whose commit-graph for blames `lore index` writes itself (a fraction of a second); more: the background worker. */
const INLINE_BLAME_GRAPH = 2000;

export interface IndexRun extends Omit<CatchUpResult, 'ms' | 'commits'> {
  /** What the commits stage stored, and how many commits of the repository are stored in all. */
  commits: CatchUpResult['commits'] & { total: number };
  graph: ImportGraphResult;
  vectors: EmbedResult;
  /** Records of other attribution tools read (git-ai's notes, Entire's checkpoints): local refs only. */
  provenance: ProvenanceResult;
  /** A backfill worker was started for what was left. */
  inBackground: boolean;
  /** Commits an earlier run could not count (objects missing) that `wait` counted now. */
  recounted: number;
  /** Wall time of each stage (ms). */
  ms: CatchUpResult['ms'] & { importGraph: number; vectors: number; provenance: number };
}

/**
 * What `lore index` and `lore init` run: every stage. Without `wait`, heavy derived work (line
 * counts and patch-ids of many commits, linking a large backlog, a first import graph of a large
 * repository, a large backlog of search vectors) is left to one detached backfill worker, so the command returns once
 * the commits are stored and `lore why` can answer; `wait` does it all in the foreground.
 */
export async function indexRepo(ctx: RepoContext, report: Reporter, options: { wait?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<IndexRun> {
  const wait = options.wait ?? false;
  // A first graph needs none of the commits: with `wait` it is built beside them, on the other core.
  const aside = wait && importGraphStats(ctx.db, ctx.repo.root).files === 0 ? startImportGraph(ctx.db, ctx.repo, { dbPath: ctx.dbPath }) : undefined;
  // With `wait`, each batch's commit messages get their vectors while git counts the next batch.
  const env = options.env ?? process.env;
  let early = 0;
  let embedder: Embedder | undefined;
  const onDetails = async (): Promise<void> => {
    early += (await embedPending(ctx.db, (embedder ??= resolveEmbedder(env)))).embedded;
  };
  const caughtUp = catchUp(ctx.db, ctx.repo, report, wait ? { onDetails } : { enrichLimit: INLINE_DETAILS, linkLimit: INLINE_LINKS });
  const blameGraph = wait ? blameGraphBeside(ctx.db, ctx.repo, caughtUp, env) : undefined;
  const r = await caughtUp;
  const recounted = wait ? await recountUnreadable(ctx.db, ctx.repo) : 0;
  // Should the child fail (a full disk, a file TypeScript chokes on), the update runs here again,
  // so the error a user sees is the one this process would have met.
  const inHere = (): Promise<ImportGraphResult> => updateImportGraph(ctx.db, ctx.repo, report, wait ? {} : { parseLimit: INLINE_GRAPH_FILES });
  const graph = aside ? await aside.then((g) => applyGraphWrites(ctx.db, ctx.repo, g), inHere) : await inHere();
  const provenanceStart = nowMs();
  const provenance = await importProvenance(ctx.db, ctx.repo.root);
  const provenanceMs = Math.round(nowMs() - provenanceStart);
  const started = nowMs();
  const rest = await embedStage(ctx.db, report, env, wait ? {} : { limit: INLINE_VECTORS });
  const vectors = { ...rest, embedded: rest.embedded + early };
  const vectorsMs = Math.round(nowMs() - started);
  await blameGraph;
  let blameGraphLeft = false;
  const total = countCommits(ctx.db, ctx.repo.root);
  if (!wait && blameGraphStale(ctx.repo, total, env)) {
    if (total <= INLINE_BLAME_GRAPH) await writeBlameGraph(ctx.repo, total, env);
    else blameGraphLeft = true;
  }
  // Vectors of commit messages wait for their messages rows, which the details pass adds.
  const left = r.details.remaining > 0 || r.link.deferred > 0 || graph.deferred > 0 || vectors.deferred > 0 || blameGraphLeft;
  const inBackground = left && startBackfillWorker(ctx.repo.root, ctx.dbPath);
  return { ...r, commits: { ...r.commits, total }, graph, vectors, provenance, inBackground, recounted, ms: { ...r.ms, importGraph: graph.ms, vectors: vectorsMs, provenance: provenanceMs } };
}

/** `lore init`: installs the hooks (unless told not to), then indexes the repository. */
export async function initRepo(ctx: RepoContext, report: Reporter, options: { hooks: boolean; env?: NodeJS.ProcessEnv }): Promise<IndexRun & { hooks: HookStatus[] }> {
  // Before the hooks go in: an excluded repository gets none.
  refuseExcluded(ctx.repo, options.env);
  const hooks = options.hooks ? await installHooks(ctx.repo.root) : [];
  return { ...(await indexRepo(ctx, report, options.env ? { env: options.env } : {})), hooks };
}

/** Runs the embedding stage with the configured model (vectors for what was added since the last run). */
async function embedStage(db: Db, report: Reporter, env: NodeJS.ProcessEnv, options: { limit?: number }): Promise<EmbedResult> {
  const r = await embedPending(db, resolveEmbedder(env), { report, ...options });
  if (r.status === 'model-changed') {
    report({ type: 'warning', message: `stored vectors were made by ${r.model}, not the configured model: run \`lore reindex --vectors\` (search uses full text until then)` });
  }
  return r;
}
