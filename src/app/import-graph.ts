import { nowMs } from '../builtins.js';
import {
  graphStamp,
  importGraphStats,
  loadCodeFiles,
  saveImportGraph,
  setGraphStamp,
  storedImports,
  type CodeFileRow,
  type Db,
  type ImportGraphChange,
  type StoredImport,
} from '../db/index.js';
import { silent, type Reporter } from '../events.js';
import { trackedFiles, workTreeStamp, type RepoInfo } from '../git/index.js';
import {
  isCodeFile,
  isGraphInput,
  isResolutionConfig,
  parseImports,
  PARSER_VERSION,
  resolveImports,
  scanFiles,
  type KnownFile,
  type UnresolvedImport,
} from '../code/index.js';

export interface ImportGraphResult {
  /** TS/JS files in the graph. */
  files: number;
  /** Files read and parsed this run (new or changed content). */
  parsed: string[];
  /** Files whose specifiers were resolved again (all of them when files came or went, or a config changed). */
  resolved: number;
  removed: string[];
  /** True when every file's edges were recomputed. */
  full: boolean;
  edges: number;
  unresolved: UnresolvedImport[];
  ms: number;
  /** Files left unparsed because more than `parseLimit` needed parsing (the background worker builds them); 0 when up to date. */
  deferred: number;
  /** With `deferWrites`: what is left to store (applyGraphWrites). */
  writes?: GraphWrites;
}

/** An update's writes, left to another process's connection (applyGraphWrites). */
export interface GraphWrites {
  change?: ImportGraphChange;
  stamp: string | undefined;
}

export interface ImportGraphOptions {
  /**
   * Parse only when at most this many files need it (default: no limit); otherwise leave the
   * graph as it is and return `deferred`. A first build of a large repository loads the
   * TypeScript compiler and reads every file: `lore index` leaves that to the background worker.
   */
  parseLimit?: number;
  now?: () => number;
  /**
   * Store nothing: the result carries the writes for applyGraphWrites. A graph built in a child
   * process beside a backfill leaves them to the parent, whose commit writer would otherwise keep
   * the child from the write lock (a busy wait is not a queue).
   */
  deferWrites?: boolean;
}

/**
 * True when HEAD and the git index are as they were at the graph's last refresh: adding,
 * removing, staging, committing, checking out, pulling all rewrite the index, so this catches
 * every change git knows of, for the price of a stat of the index and two small reads (HEAD and
 * its ref; packed-refs when the ref is packed). Edits not yet staged are not seen (a stat of
 * every file would cost more than the rest of `why` on a large repository: docs/performance.md);
 * `lore watch`, `lore related` and `lore index` refresh for them.
 */
export function importGraphIsCurrent(db: Db, repo: RepoInfo): boolean {
  const stamp = workTreeStamp(repo);
  return stamp !== undefined && graphStamp(db, repo.root) === stamp;
}

/**
 * Brings the `code_code` edges of a repository up to date. Only files whose content hash changed
 * are parsed again; their stored specifiers let every other file be re-resolved without parsing
 * when the set of files or a tsconfig/package.json changes (a new file can satisfy an import that
 * dangled, a deleted one breaks it). Loads TypeScript only when something must be parsed or
 * resolved. Not part of catchUp: the hook worker must never load the compiler.
 */
export async function updateImportGraph(db: Db, repo: RepoInfo, report: Reporter = silent, options: ImportGraphOptions = {}): Promise<ImportGraphResult> {
  const now = options.now ?? (() => nowMs());
  const parseLimit = options.parseLimit ?? Infinity;
  const started = now();
  // Taken before reading anything: a change made during the run makes the next run look again.
  const stamp = workTreeStamp(repo);
  const tracked = await trackedFiles(repo.root);
  const candidates = tracked.filter(isGraphInput);
  const stored = loadCodeFiles(db, repo.root);
  const known: ReadonlyMap<string, KnownFile> = stored;
  const deferred = (n: number): ImportGraphResult => ({
    files: candidates.filter(isCodeFile).length,
    parsed: [],
    resolved: 0,
    removed: [],
    full: false,
    edges: importGraphStats(db, repo.root).edges,
    unresolved: [],
    ms: Math.round(now() - started),
    deferred: n,
  });
  // Files never parsed (by this parser) must be read: decided before reading any of them.
  const unknown = candidates.filter((p) => isCodeFile(p) && stored.get(p)?.parserVersion !== PARSER_VERSION).length;
  if (unknown > parseLimit) return deferred(unknown);
  report({ type: 'progress', stage: 'imports', done: 0, total: candidates.length });
  const scan = scanFiles(repo.root, candidates, known, PARSER_VERSION);

  const changedCode = scan.changed.filter((f) => isCodeFile(f.path));
  if (changedCode.length > parseLimit) return deferred(changedCode.length);
  const parsed = changedCode.length > 0 ? await parseImports(changedCode) : new Map<string, StoredImport[]>();
  report({ type: 'progress', stage: 'imports', done: Math.round(candidates.length / 2), total: candidates.length });

  const full =
    scan.changed.some((f) => isResolutionConfig(f.path) || f.isNew) ||
    scan.removed.length > 0 ||
    stored.size === 0;
  const present = new Set(candidates);
  for (const path of [...scan.removed, ...scan.absent]) present.delete(path);
  const codeFiles = [...present].filter(isCodeFile);
  // Re-resolving everything needs every file's specifiers; a partial run has just parsed its files.
  const kept = full ? storedImports(db, repo.root) : new Map<string, StoredImport[]>();
  const toResolve = (full ? codeFiles : changedCode.map((f) => f.path)).map((path) => ({
    path,
    imports: parsed.get(path) ?? kept.get(path) ?? [],
  }));
  // Tracked but deleted from the work tree: nothing can import it any more.
  const gone = new Set(scan.absent);
  const existing = gone.size > 0 ? tracked.filter((p) => !gone.has(p)) : tracked;
  const { edges, unresolved } = toResolve.length > 0 ? await resolveImports(repo.root, existing, toResolve) : { edges: [], unresolved: [] };

  const upsert: CodeFileRow[] = scan.changed.map((f) => ({
    path: f.path,
    hash: f.hash,
    size: f.size,
    mtimeMs: f.mtimeMs,
    imports: isCodeFile(f.path) ? (parsed.get(f.path) ?? []) : null,
    parserVersion: PARSER_VERSION,
  }));
  const change: ImportGraphChange | undefined =
    upsert.length > 0 || scan.touched.length > 0 || scan.removed.length > 0 || toResolve.length > 0
      ? { upsert, touch: scan.touched, remove: scan.removed, edgesFor: full ? 'all' : toResolve.map((f) => f.path), edges }
      : undefined;
  const writes: GraphWrites = { ...(change ? { change } : {}), stamp };
  if (!options.deferWrites) storeGraphWrites(db, repo, writes);
  report({ type: 'progress', stage: 'imports', done: candidates.length, total: candidates.length });
  report({ type: 'stage-end', stage: 'imports' });
  return {
    files: codeFiles.length,
    parsed: changedCode.map((f) => f.path),
    resolved: toResolve.length,
    removed: scan.removed.filter(isCodeFile),
    full: full && toResolve.length > 0,
    edges: options.deferWrites ? edges.length : importGraphStats(db, repo.root).edges,
    unresolved,
    ms: Math.round(now() - started),
    deferred: 0,
    ...(options.deferWrites ? { writes } : {}),
  };
}

function storeGraphWrites(db: Db, repo: RepoInfo, writes: GraphWrites): void {
  if (writes.change) saveImportGraph(db, repo.root, writes.change);
  setGraphStamp(db, repo.root, writes.stamp);
}

/** Stores what an update run with `deferWrites` left (in this process's connection) and returns its result as a plain update's. */
export function applyGraphWrites(db: Db, repo: RepoInfo, r: ImportGraphResult): ImportGraphResult {
  const { writes, ...rest } = r;
  if (!writes) return r;
  storeGraphWrites(db, repo, writes);
  return { ...rest, edges: importGraphStats(db, repo.root).edges };
}

/**
 * Whether the import graph must be updated: a tracked TS/JS or config file came, went, or has a
 * new size or mtime (the same test updateImportGraph makes, without loading TypeScript or starting
 * a process: one `git ls-files` and a stat per file). When nothing moved, the graph is recorded as
 * current for the work tree's stamp (`git status` rewriting the index changes nothing).
 */
export async function importGraphNeedsUpdate(db: Db, repo: RepoInfo): Promise<boolean> {
  const stamp = workTreeStamp(repo); // before reading: a change made meanwhile is looked at next time
  const candidates = (await trackedFiles(repo.root)).filter(isGraphInput);
  const scan = scanFiles(repo.root, candidates, loadCodeFiles(db, repo.root), PARSER_VERSION);
  const needed = scan.changed.length + scan.touched.length + scan.removed.length > 0;
  if (!needed && stamp !== undefined) setGraphStamp(db, repo.root, stamp);
  return needed;
}
