import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { fsPromises } from '../builtins.js';
import {
  forgetSession,
  purgeDeletedText,
  getSourceFile,
  ignoredSessionIds,
  isStoredEdit,
  listRepos,
  sourceFileCursor,
  sourceStamps,
  type SourceStamps,
  sessionProject,
  writeIngestBatch,
  type Db,
  type FileEditRow,
  type MessageRow,
  type SessionRow,
  type SourceFileRow,
} from '../db/index.js';
import { isDamagedDatabase, UsageError } from '../errors.js';
import { statOrUndefined } from '../fs.js';
import { silent, type Reporter } from '../events.js';
import { adapters as registered, headHash as hashHead, isSameHead, readHead, type Cursor, type FileEditRecord, type MessageRecord, type SessionRecord, type SourceAdapter, type SourceEnv, type SourceRecord } from '../sources/index.js';
import { homeOf, isExcluded, loadConfig, type LoreConfig } from '../config/index.js';
import { addKinds, cleanEditText, cleanMessage, cleanTitle, redactDeep, type CleanedMessage } from './normalize.js';
import { projectResolver, repoRelativePath, type Project, type ProjectResolver } from './project.js';
import { giveBackReadWorker, readWorkerScript, takeReadWorker, type ReadWorker, WORKER_STOPPED, type CleanedToolOutput, type OffThreadRead, type ReadRecord } from './off-thread.js';

/**
 * The ingest pipeline: runs source adapters over their files, maps each session to its
 * repository, applies the size policy, privacy rules and redaction, and stores records in short
 * batches together with the file's cursor (src/db/sessions.ts), so an interrupted run resumes to
 * exactly the rows of an uninterrupted one. Bad input is skipped, counted and reported; it never
 * stops the run.
 */

export interface IngestOptions {
  /** Adapters to run (default: every registered one). */
  adapters?: SourceAdapter[];
  /** Only these source ids (`lore ingest --source`). */
  sources?: string[];
  /** Files or directories to read instead of what the adapters locate. */
  paths?: string[];
  /** The repository a query is about: tools that file transcripts by folder read only its own (SourceEnv.scope). */
  scope?: string;
  env?: NodeJS.ProcessEnv;
  home?: string;
  platform?: NodeJS.Platform;
  config?: LoreConfig;
  report?: Reporter;
  /** Records per transaction before a checkpoint flushes (default 3000). */
  batchRecords?: number;
  /** Text bytes per transaction before a checkpoint flushes (default 4 MB). */
  batchBytes?: number;
  /**
   * Reading Claude Code transcripts in a worker thread while this one stores: used on a machine
   * with two cores or more when the files to read hold at least `minBytes` (default 8 MB) and the
   * worker's script is found (`script`, default beside the bundle; given, it is used on any
   * machine). `readsHere: false`: the ingest never reads a file itself when it gets there before
   * the worker (tests). `false`: always read in this thread.
   */
  offThread?: { script?: string; minBytes?: number; readsHere?: false } | false;
}

export interface SourceSummary {
  source: string;
  name: string;
  /** Files found / read this run (the rest were unchanged since their cursor). */
  files: number;
  filesRead: number;
  sessions: number;
  messages: number;
  edits: number;
  /** Lines or records skipped, by reason. */
  skipped: Record<string, number>;
  redactions: number;
  redactionKinds: Record<string, number>;
  /** Sessions not stored: excluded project, `lore:private` prompt, forgotten. */
  excluded: number;
}

export interface IngestResult {
  sources: SourceSummary[];
  /** The sources whose files were looked for (ids), also when none was found. */
  lookedFor: string[];
  /** The paths given (`lore ingest PATH`), when any. */
  paths?: string[];
  durationMs: number;
}

interface SessionInfo {
  project: Project;
  cwd?: string;
  dropped: boolean;
}

const HEAD_BYTES = 4096;
/** Sources whose reads may go to the worker thread: pure readers of big JSONL files. */
const OFF_THREAD_SOURCES = new Set(['claude-code']);
/** Below this much to read, starting a thread costs more than it saves. */
const OFF_THREAD_MIN_BYTES = 8 * 1024 * 1024;

/** Up to this many located files, their stamps are read one by one instead of the whole table. */
const FEW_FILES = 500;
/** Files the ingest reads itself rather than wait for the worker to start them hold at most this much. */
const READ_HERE_MAX_BYTES = 1024 * 1024;
/** Files whose reads are asked of the worker before the ingest gets to them. */
const FILES_AHEAD = 32;
const WARNINGS_PER_FILE = 5;
const PRIVATE_MARKER = 'lore:private';

/** Runs the ingest for all (or the chosen) sources; returns a summary per source. */
export async function ingest(db: Db, options: IngestOptions = {}): Promise<IngestResult> {
  const started = Date.now();
  const env = options.env ?? process.env;
  const report = options.report ?? silent;
  const config = options.config ?? loadConfig(env);
  const all = options.adapters ?? registered;
  const wanted = options.sources?.length ? options.sources : undefined;
  for (const s of wanted ?? []) {
    if (!all.some((a) => a.id === s)) throw new UsageError(`unknown source ${s}`, `sources: ${all.map((a) => a.id).join(', ')}`);
  }
  const chosen = wanted ? all.filter((a) => wanted.includes(a.id)) : all;
  const sourceEnv: SourceEnv = {
    env,
    home: options.home ?? homeOf(env),
    platform: options.platform ?? process.platform,
    knownRepos: listRepos(db).map((r) => r.projectPath),
    ...(options.scope ? { scope: options.scope } : {}),
  };

  const plan = options.paths?.length ? await planPaths(options.paths, chosen, all, wanted !== undefined, report) : await planLocated(chosen, sourceEnv, report);
  const total = plan.reduce((n, p) => n + p.files.length, 0);
  const ctx: RunContext = {
    db,
    report,
    config,
    resolveProject: projectResolver(),
    ignored: ignoredSessionIds(db),
    // Every stamp when most files are checked; those of the located files when they are few.
    stamps: sourceStamps(db, total <= FEW_FILES ? plan.flatMap((p) => p.files) : undefined),
    // LORE_INGEST_BATCH: a smaller batch for tests that kill an ingest mid-file.
    batchRecords: options.batchRecords ?? (Number(env.LORE_INGEST_BATCH) || 3000),
    batchBytes: options.batchBytes ?? 4 * 1024 * 1024,
    batch: new Batch(),
    sessions: new Map(),
  };
  let done = 0;
  const summaries: SourceSummary[] = [];
  // With one core the thread would only add its own costs.
  const offThread =
    options.offThread === false || (options.offThread === undefined && availableParallelism() < 2)
      ? undefined
      : { script: options.offThread?.script ?? readWorkerScript(), minBytes: options.offThread?.minBytes ?? OFF_THREAD_MIN_BYTES, readsHere: options.offThread?.readsHere ?? true };
  let worker: ReadWorker | undefined;
  let completed = false;
  try {
    for (const { adapter, files } of plan) {
      const summary: SourceSummary = { source: adapter.id, name: adapter.name, files: files.length, filesRead: 0, sessions: 0, messages: 0, edits: 0, skipped: {}, redactions: 0, redactionKinds: {}, excluded: 0 };
      const sessions = new Set<string>();
      const excluded = new Set<string>();
      const ahead = offThread?.script && OFF_THREAD_SOURCES.has(adapter.id) && registered.includes(adapter) ? readsAhead(ctx, summary, files, offThread.minBytes) : undefined;
      if (ahead?.useWorker && !worker) worker = takeReadWorker(offThread!.script!);
      for (const [i, file] of files.entries()) {
        if (ahead && worker) ahead.submit(worker, adapter, i);
        // Most files are as the last run left them (their stat says so): nothing to start or await.
        const planned = ahead ? ahead.take(i) : planRead(ctx, summary, file);
        if (planned) await ingestFile(ctx, adapter, file, summary, sessions, excluded, planned, offThread?.readsHere);
        report({ type: 'progress', stage: 'ingest', done: ++done, total });
      }
      summary.sessions = sessions.size;
      summary.excluded = excluded.size;
      summaries.push(summary);
    }
    completed = true;
  } finally {
    // After a failure the worker may still be reading ahead for this run: it ends with it.
    if (worker) await (completed ? giveBackReadWorker(worker, offThread!.script!) : worker.stop());
  }
  flush(ctx);
  // A session marked private during this run was deleted: no word of it may stay in the indexes.
  if (ctx.privateForgotten) purgeDeletedText(ctx.db);
  report({ type: 'stage-end', stage: 'ingest' });
  return { sources: summaries, lookedFor: chosen.map((a) => a.id), ...(options.paths?.length ? { paths: options.paths } : {}), durationMs: Date.now() - started };
}

interface RunContext {
  db: Db;
  report: Reporter;
  config: LoreConfig;
  resolveProject: ProjectResolver;
  ignored: Set<string>;
  /** A session was forgotten for a `lore:private` prompt during this run. */
  privateForgotten?: boolean;
  /** Each file read before: its size and modification time then, for the stat-only check. */
  stamps: SourceStamps;
  batchRecords: number;
  batchBytes: number;
  /**
   * Rows not yet written, across files: small transcripts share one transaction (fewer commits,
   * fewer full-text index segments). Each file's cursor travels in the batch with its rows.
   */
  batch: Batch;
  /** Sessions seen this run: their project, and whether they are kept out. */
  sessions: Map<string, SessionInfo>;
}

/** Writes the pending rows with the cursors of the files they came from, in one transaction. */
function flush(ctx: RunContext, current?: SourceFileRow): void {
  const b = ctx.batch;
  const cursors = [...b.cursors.values()];
  if (current) cursors.push(current);
  if (b.size === 0 && cursors.length === 0 && b.finish.size === 0) return;
  writeIngestBatch(ctx.db, {
    sessions: [...b.sessions.values()],
    messages: [...b.messages.values()].map((p) => countedRow(p.cleaned ?? cleanMessage(p.record), p.summary)),
    edits: [...b.edits.values()],
    // Resume state holds raw text (a message still growing, an edit awaiting its result): it is
    // redacted like everything else. Redaction is idempotent, so resuming from it changes nothing.
    cursors: cursors.map((c) => (c.state === undefined ? c : { ...c, state: redactDeep(c.state, { count: 0, kinds: {} }) })),
    finishSessions: [...b.finish].filter((id) => !ctx.ignored.has(id)),
  });
  ctx.batch = new Batch();
}

async function planLocated(adapters: SourceAdapter[], env: SourceEnv, report: Reporter): Promise<{ adapter: SourceAdapter; files: string[] }[]> {
  const plan = [];
  for (const adapter of adapters) {
    try {
      plan.push({ adapter, files: await adapter.locate(env) });
    } catch (err) {
      report({ type: 'warning', message: `${adapter.name}: cannot look for files: ${(err as Error).message}` });
      plan.push({ adapter, files: [] });
    }
  }
  return plan;
}

/**
 * Explicit paths: a file goes to the first adapter that recognizes it by name. A file no adapter
 * recognizes (a transcript copied out of its tool's folders) goes to a source --source names: the
 * one source, or among several the one of its kind that reads a message from it.
 */
async function planPaths(paths: string[], adapters: SourceAdapter[], all: SourceAdapter[], forced: boolean, report: Reporter): Promise<{ adapter: SourceAdapter; files: string[] }[]> {
  const byAdapter = new Map<SourceAdapter, string[]>();
  for (const raw of paths) {
    const path = resolve(raw);
    const s = await fsPromises().stat(path).catch((err: NodeJS.ErrnoException) => err);
    if (s instanceof Error) {
      report({ type: 'warning', message: `cannot read ${path}: ${s.code === 'ENOENT' ? 'no such file or directory' : s.code === 'EACCES' ? 'permission denied' : s.message}`, file: path });
      continue;
    }
    // A directory an adapter reads as one unit (OpenCode's `storage/message/<session>`) is handed over whole.
    const isUnit = (dir: string): boolean => adapters.some((a) => a.matches(dir));
    const isDir = s.isDirectory();
    const files = !isDir || isUnit(path) ? [path] : await walk(path, isUnit);
    const found = new Map<SourceAdapter, string[]>();
    const unknown: string[] = [];
    for (const file of files) {
      const adapter = adapters.find((a) => a.matches(file));
      if (adapter) found.set(adapter, [...(found.get(adapter) ?? []), file]);
      else if (forced) unknown.push(file);
      else if (!isDir) report({ type: 'warning', message: `no source recognizes ${file}; name one with --source`, file });
    }
    if (unknown.length) {
      // A file given by name may be of any name; in a directory of transcripts copied out of the
      // tools' folders (`lore ingest --source claude-code,aider ~/backup`), each named source that
      // recognized none of its files by name takes those of its kind, as it would if named alone,
      // leaving the files another tool's adapter recognizes (a Codex rollout) to that tool.
      const takers = isDir ? adapters.filter((a) => !found.has(a)) : adapters;
      for (const file of unknown) {
        if (isDir && all.some((a) => a.matches(file))) continue;
        const kind = takers.filter((a) => a.watchedFiles.test(file));
        const candidates = kind.length || isDir ? kind : takers;
        const adapter = candidates.length > 1 ? await readerOf(file, candidates) : candidates[0];
        if (adapter) found.set(adapter, [...(found.get(adapter) ?? []), file]);
      }
    }
    // Among several paths a directory that gave nothing would pass unseen in the table of the
    // others; alone, the summary already says nothing was found in it.
    if (isDir && found.size === 0 && paths.length > 1) report({ type: 'warning', message: `no source recognizes a file in ${path}; name one with --source`, file: path });
    for (const [adapter, list] of found) byAdapter.set(adapter, [...(byAdapter.get(adapter) ?? []), ...list]);
  }
  return adapters.filter((a) => byAdapter.has(a)).map((adapter) => ({ adapter, files: byAdapter.get(adapter)!.sort() }));
}

/** Records a candidate reads from a file's start, at most, before it is taken not to be of its kind. */
const PROBE_RECORDS = 200;

/**
 * Of several named sources whose files share a name pattern (`.jsonl`), the first that reads a
 * message from the file's start: another tool's lines are skips, or sessions without messages.
 * When none does, the first takes it and its skips are reported, as when it alone was named.
 */
async function readerOf(file: string, candidates: SourceAdapter[]): Promise<SourceAdapter> {
  for (const adapter of candidates) {
    let records = 0;
    try {
      for await (const rec of adapter.read(file, undefined)) {
        if (rec.kind === 'message') return adapter;
        if (++records >= PROBE_RECORDS) break;
      }
    } catch {
      // An adapter must not throw on bad data; one that does does not read this file.
    }
  }
  return candidates[0]!;
}

/** The files below `dir`, and the directories `isUnit` takes whole (not walked into). */
async function walk(dir: string, isUnit: (dir: string) => boolean, out: string[] = [], depth = 0): Promise<string[]> {
  if (depth > 12) return out;
  const entries = await fsPromises().readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (isUnit(p)) out.push(p);
      else await walk(p, isUnit, out, depth + 1);
    } else if (e.isFile()) out.push(p);
  }
  return out;
}

class Batch {
  sessions = new Map<string, SessionRow>();
  /**
   * Raw until written: a streamed message yielded again and again is cleaned and redacted once.
   * Tool output, which is not streamed and is most of a transcript's text, is cleaned when taken,
   * so the batch holds its kept head and tail rather than the whole output until the write.
   */
  messages = new Map<string, PendingMessage>();
  edits = new Map<string, FileEditRow>();
  /** Final cursors of files read to the end whose rows are in this batch. */
  cursors = new Map<string, SourceFileRow>();
  /** Sessions whose totals are recomputed when the batch is written. */
  finish = new Set<string>();
  bytes = 0;
  get size(): number {
    return this.sessions.size + this.messages.size + this.edits.size;
  }
  dropSession(id: string): void {
    this.sessions.delete(id);
    for (const [k, m] of this.messages) if ((m.record ?? m.cleaned.row).sessionId === id) this.messages.delete(k);
    for (const [k, e] of this.edits) if (e.sessionId === id) this.edits.delete(k);
    this.finish.delete(id);
  }
}

/** What reading one changed file starts from; `remote` when the worker thread reads it. */
interface PlannedRead {
  stamp: StatStamp;
  headHash: string | undefined;
  from: Cursor | undefined;
  skipped: number;
  remote?: OffThreadRead;
}

/** The file is as its cursor left it (same size and mtime): reading it would find nothing new. */
function isUnchanged(prev: { size: number; mtimeMs: number } | undefined, stamp: StatStamp): boolean {
  return !stamp.isDir && prev !== undefined && prev.size === stamp.size && prev.mtimeMs === stamp.mtimeMs;
}

/** Stats `file` (unless `stamp` was taken already); undefined when there is nothing to read. */
function planRead(ctx: RunContext, summary: SourceSummary, file: string, stamp = statStamp(ctx, summary, file)): PlannedRead | undefined {
  if (!stamp) return undefined;
  if (isUnchanged(ctx.stamps.get(file), stamp)) return undefined; // stat-only
  const prev = ctx.stamps.has(file) ? sourceFileCursor(ctx.db, file) : undefined;
  const headHash = stamp.isDir ? undefined : hashHead(file, Math.min(HEAD_BYTES, stamp.fileSize));
  const from = resumeCursor(ctx.db, file, prev, stamp, headHash);
  return { stamp, headHash, from, skipped: from && prev ? prev.skipped : 0 };
}

/**
 * For a source the worker thread can read: every file stat'ed up front (once, as the ingest would),
 * and when the changed ones hold `minBytes` or more (`useWorker`), their reads asked of the worker
 * a few files ahead of the ingest.
 */
function readsAhead(ctx: RunContext, summary: SourceSummary, files: string[], minBytes: number) {
  const stamps = files.map((file) => statStamp(ctx, summary, file));
  let bytes = 0;
  for (const [i, stamp] of stamps.entries()) {
    if (!stamp || isUnchanged(ctx.stamps.get(files[i]!), stamp)) continue;
    const prev = ctx.stamps.has(files[i]!) ? sourceFileCursor(ctx.db, files[i]!) : undefined;
    bytes += stamp.fileSize - (prev && prev.offset <= stamp.fileSize ? prev.offset : 0);
  }
  const planned = new Map<number, PlannedRead | undefined>();
  let next = 0;
  const planAt = (i: number): PlannedRead | undefined => planRead(ctx, summary, files[i]!, stamps[i]);
  return bytes < minBytes
    ? { useWorker: false, submit: () => undefined, take: (i: number): PlannedRead | null => planAt(i) ?? null }
    : {
        useWorker: true,
        submit(worker: ReadWorker, adapter: SourceAdapter, at: number): void {
          for (; next < files.length && next <= at + FILES_AHEAD; next++) {
            const p = planAt(next);
            if (p && worker.isAlive) p.remote = worker.read(adapter, files[next]!, p.from);
            planned.set(next, p);
          }
        },
        take(i: number): PlannedRead | null {
          const p = planned.get(i);
          planned.delete(i);
          return p ?? null;
        },
      };
}

/** The error a read in the worker thread ended with, as the adapter threw it. */
function readError(error: { message: string; code?: string }): NodeJS.ErrnoException {
  return Object.assign(new Error(error.message), error.code !== undefined ? { code: error.code } : {});
}

/** Reads one file into the batch, from where planRead found its cursor (a file unchanged since never comes here). */
async function ingestFile(
  ctx: RunContext,
  adapter: SourceAdapter,
  file: string,
  summary: SourceSummary,
  sessionsSeen: Set<string>,
  excludedSeen: Set<string>,
  p: PlannedRead,
  mayReadHere = true,
): Promise<void> {
  const read = new FileRead(ctx, adapter, file, summary, sessionsSeen, excludedSeen, p);
  // Whether an error came from storing (our database) rather than from the adapter reading.
  let storing = false;
  // Read here when the worker has not got to this file yet (it is starting, or behind), unless
  // there is much to read: the worker would then stand idle while this thread does it all.
  const isSmall = p.stamp.fileSize - (p.from?.offset ?? 0) <= READ_HERE_MAX_BYTES;
  const remote = mayReadHere && isSmall && p.remote?.steal() ? undefined : p.remote;
  let holding = false;
  try {
    // Read here, also when the worker thread stopped before it got to this file.
    if (!remote || !(await readRemote(remote, read, (s) => (storing = s), (h) => (holding = h)))) {
      for await (const rec of adapter.read(file, p.from)) {
        storing = true;
        const taking = read.take(rec);
        if (taking) await taking;
        storing = false;
      }
    }
    storing = true;
    if (!read.complete()) return;
  } catch (err) {
    if (remote) {
      if (holding) remote.release();
      remote.abandon();
    }
    // Our own database found damaged is no fault of this file: it ends the run, as it must end
    // every command (a corrupt store of the tool's own, read by its adapter, stays a skip).
    if (storing && isDamagedDatabase(err)) throw err;
    read.fail(err as NodeJS.ErrnoException);
    return;
  }
  read.reportMoreSkipped();
}

/**
 * Takes the chunks of a read the worker serves. False when the worker stopped before sending
 * anything of it (the file is then read in this thread); a read error is thrown as the adapter's.
 */
async function readRemote(remote: OffThreadRead, read: FileRead, setStoring: (s: boolean) => void, setHolding: (h: boolean) => void): Promise<boolean> {
  for (let first = true; ; first = false) {
    const chunk = await remote.next();
    setHolding(true);
    if (first && chunk.error?.code === WORKER_STOPPED && chunk.records.length === 0) {
      setHolding(false);
      return false;
    }
    setStoring(true);
    for (const rec of chunk.records) {
      const taking = read.take(rec);
      if (taking) await taking;
    }
    if (chunk.checkpoint) read.take({ kind: 'checkpoint', cursor: chunk.checkpoint });
    setStoring(false);
    setHolding(false);
    remote.release();
    if (chunk.error) throw readError(chunk.error);
    if (chunk.done) return true;
  }
}

/** What a stat says about a transcript: its change stamp (size and mtime) and what kind it is. */
interface StatStamp {
  isDir: boolean;
  isStore: boolean;
  /** The file's own size (the head hash covers it, not the WAL). */
  fileSize: number;
  /** Size and mtime with a store's WAL counted in. */
  size: number;
  mtimeMs: number;
}

/** Stats `file`; undefined when it vanished (its sessions stay) or cannot be read (reported). */
function statStamp(ctx: RunContext, summary: SourceSummary, file: string): StatStamp | undefined {
  let st;
  try {
    // A vanished file keeps its sessions (no exception made for each: a catch-up stats thousands).
    st = statSync(file, { throwIfNoEntry: false });
    if (!st) return undefined;
  } catch (err) {
    // An unreadable one is reported.
    const code = (err as NodeJS.ErrnoException).code;
    warnSkip(ctx, summary, file, undefined, code === 'EACCES' ? 'permission denied' : (err as Error).message);
    return undefined;
  }
  // A directory (OpenCode's legacy storage/message/<session>) keeps its mtime when a part is added
  // elsewhere in the tree or a message file is rewritten in place: its stat says nothing, the
  // adapter's stamp of the files in it decides, and handing back `from` says nothing changed.
  const isDir = st.isDirectory();
  // A SQLite store (Cursor, OpenCode) in WAL mode commits into `<file>-wal` and leaves the main
  // file as it was until a checkpoint: the WAL counts in the stat stamp. Its header's change
  // counter moves on every write, so the head hash says nothing: the adapter keeps its own state.
  // (Transcripts in text formats, Aider's `.aider.input.history` among them, and directories are
  // never stores: their check stays a single stat.)
  const isStore = st.isFile() && !/\.(jsonl|json|md|txt|history)$/i.test(file) && isSqliteFile(file);
  const wal = isStore ? statOrUndefined(`${file}-wal`) : undefined;
  return { isDir, isStore, fileSize: st.size, size: st.size + (wal?.size ?? 0), mtimeMs: Math.trunc(Math.max(st.mtimeMs, wal?.mtimeMs ?? 0)) };
}

/** Where to resume: the stored cursor when the file only grew, else undefined (read it whole). */
function resumeCursor(db: Db, file: string, prev: Omit<SourceFileRow, 'state'> | undefined, stamp: StatStamp, headHash: string | undefined): Cursor | undefined {
  if (!prev || prev.offset > stamp.fileSize || !(stamp.isStore || isSameHead(file, prev.headHash, headHash))) {
    // New, truncated or rewritten: read it again whole; deterministic ids make that idempotent.
    return undefined;
  }
  const full = getSourceFile(db, file);
  return full ? { offset: full.offset, size: full.size, mtimeMs: full.mtimeMs, headHash: full.headHash ?? undefined, state: full.state } : undefined;
}

/** One read of one file: takes the adapter's records into the batch and keeps the file's cursor. */
class FileRead {
  private readonly touched = new Set<string>();
  /**
   * Ids of the last messages seen: a streamed message comes back while it grows, a few lines apart.
   * (A set of every id would grow with the file, and a long transcript holds many thousands.)
   */
  private readonly recentIds: string[] = [];
  /**
   * Ids of the edits this read counted. An edit comes again with its tool result (the hunks the tool
   * wrote, or its failure), maybe after its call was written in an earlier batch.
   */
  private readonly countedEdits = new Set<string>();
  private readonly tallies: Tallies = new Map();
  private skipped: number;
  private warned = 0;
  /** The file holds a session that is never stored (forgotten, or marked private). */
  private keepsIgnored = false;
  private cursor: SourceFileRow | undefined;
  /**
   * The cursor of the checkpoint at which the batch filled: the batch is written when the next
   * record shows that the file goes on. At the file's end the batch is written with the file's
   * final cursor and its sessions' totals instead, so no run can stop between the two (a run that
   * did would resume past the last line, read nothing, and leave the totals unwritten).
   */
  private fullAt: SourceFileRow | null | undefined;
  private readonly stamp: StatStamp;
  private readonly headHash: string | undefined;
  private readonly from: Cursor | undefined;

  constructor(
    private readonly ctx: RunContext,
    private readonly adapter: SourceAdapter,
    private readonly file: string,
    private readonly summary: SourceSummary,
    private readonly sessionsSeen: Set<string>,
    private readonly excludedSeen: Set<string>,
    start: PlannedRead,
  ) {
    this.stamp = start.stamp;
    this.headHash = start.headHash;
    this.from = start.from;
    this.skipped = start.skipped;
  }

  /**
   * Takes one record into the batch. Synchronous unless the record names a session this run has
   * not resolved yet (its project lookup waits on the file system or git): a transcript is tens of
   * thousands of records, and a promise for each costs more than taking most of them.
   */
  take(rec: ReadRecord): Promise<void> | undefined {
    if (this.fullAt !== undefined && rec.kind !== 'checkpoint' && rec.kind !== 'line-end') this.flushFull();
    const sessionId = rec.kind === 'session' ? rec.session.id : rec.kind === 'message' || rec.kind === 'cleaned-message' ? rec.message.sessionId : rec.kind === 'edit' ? rec.edit.sessionId : undefined;
    if (sessionId !== undefined && this.ctx.ignored.has(sessionId)) this.keepsIgnored = true;
    switch (rec.kind) {
      case 'session':
        return onSession(this.ctx, this.adapter, rec.session, this.ctx.sessions, this.ctx.batch, this.tallies, this.excludedSeen);
      case 'message':
      case 'cleaned-message': {
        // Tool output the worker thread already cleaned comes with its row.
        const pre = rec.kind === 'cleaned-message' ? rec : undefined;
        const info = this.ctx.sessions.get(rec.message.sessionId);
        if (info) return this.takeMessage(rec.message, info, pre);
        return this.sessionInfo(rec.message.sessionId).then((found) => this.takeMessage(rec.message, found, pre));
      }
      case 'edit': {
        const info = this.ctx.sessions.get(rec.edit.sessionId);
        if (info) return this.takeEdit(rec.edit, info);
        return this.sessionInfo(rec.edit.sessionId).then((found) => this.takeEdit(rec.edit, found));
      }
      case 'skip':
        this.skipped++;
        this.summary.skipped[rec.reason] = (this.summary.skipped[rec.reason] ?? 0) + 1;
        if (this.warned++ < WARNINGS_PER_FILE) this.ctx.report({ type: 'warning', message: `skipped: ${rec.reason}`, file: this.file, line: rec.line });
        return undefined;
      case 'checkpoint':
        this.takeCheckpoint(rec.cursor);
        return undefined;
      case 'line-end':
        // Where the batch filled is kept with the last cursor that has its state (null: none yet in
        // this file); the final cursor follows with the file's end.
        if (this.fullAt === undefined && this.isBatchFull()) this.fullAt = this.cursor ? (this.keepsIgnored ? { ...this.cursor, offset: 0, state: undefined } : this.cursor) : null;
        return undefined;
    }
  }

  /** `m` with its text, or (tool output the worker thread cleaned) without it and `pre` the cleaned row. */
  private takeMessage(m: MessageRecord | CleanedToolOutput['message'], info: SessionInfo, pre?: CleanedToolOutput): undefined {
    const { ctx } = this;
    if (info.dropped) return;
    if (m.kind === 'prompt' && 'content' in m && m.content.includes(PRIVATE_MARKER)) {
      info.dropped = true;
      ctx.batch.dropSession(m.sessionId);
      forgetSession(ctx.db, m.sessionId, 'private-marker');
      ctx.privateForgotten = true;
      ctx.ignored.add(m.sessionId);
      this.keepsIgnored = true;
      this.excludedSeen.add(m.sessionId);
      this.touched.delete(m.sessionId);
      return;
    }
    if (pre) ctx.batch.messages.set(m.id, { cleaned: pre.cleaned, summary: this.summary });
    else if ('content' in m) ctx.batch.messages.set(m.id, m.kind === 'tool_result' ? { cleaned: cleanMessage(m), summary: this.summary } : { record: m, summary: this.summary });
    ctx.batch.bytes += pre ? pre.length : 'content' in m ? m.content.length : 0;
    this.touched.add(m.sessionId);
    this.sessionsSeen.add(m.sessionId);
    if (!this.recentIds.includes(m.id)) {
      this.recentIds.push(m.id);
      if (this.recentIds.length > 16) this.recentIds.shift();
      this.summary.messages++;
    }
  }

  private takeEdit(edit: FileEditRecord, info: SessionInfo): undefined {
    const { ctx } = this;
    if (info.dropped) return;
    const row = toEditRow(edit, info, this.tallies);
    if (!this.countedEdits.has(row.id)) {
      this.countedEdits.add(row.id);
      // A read resumed from a cursor meets again the edits of calls read before it: stored, and
      // counted by the run that read them.
      if (!this.from || !isStoredEdit(ctx.db, row.id)) this.summary.edits++;
    }
    ctx.batch.edits.set(row.id, row);
    ctx.batch.bytes += (row.oldText?.length ?? 0) + (row.newText?.length ?? 0);
    this.touched.add(row.sessionId);
    this.sessionsSeen.add(row.sessionId);
  }

  private takeCheckpoint(at: Cursor): void {
    if (this.stamp.isDir && at === this.from) return;
    // size -1 until the read completes: a run killed mid-file must not look "unchanged" to the
    // stat-only check next time (the file's size and mtime have not moved).
    // The adapter's state may hold a forgotten or private session's text (its title, a pending
    // prompt): such a file keeps no state, and is read again from the top when it changes.
    const scrub = this.keepsIgnored;
    this.cursor = { path: this.file, source: this.adapter.id, size: -1, mtimeMs: this.stamp.mtimeMs, offset: scrub ? 0 : at.offset, headHash: this.headHash, state: scrub ? undefined : at.state, skipped: this.skipped };
    if (this.fullAt === undefined && this.isBatchFull()) {
      // A copy of the state now, before the adapter moves on.
      this.fullAt = { ...this.cursor, state: this.cursor.state === undefined ? undefined : structuredClone(this.cursor.state) };
    }
  }

  private isBatchFull(): boolean {
    return this.ctx.batch.size >= this.ctx.batchRecords || this.ctx.batch.bytes >= this.ctx.batchBytes;
  }

  /** Writes the full batch with the cursor of the checkpoint where it filled. */
  private flushFull(): void {
    const at = this.fullAt ?? undefined;
    this.fullAt = undefined;
    flush(this.ctx, at);
  }

  private async sessionInfo(id: string): Promise<SessionInfo> {
    const { ctx } = this;
    let info = ctx.sessions.get(id);
    if (info) return info;
    // A record for a session this read has not named: take what is stored.
    const stored = sessionProject(ctx.db, id);
    info = { project: { path: stored ?? '', isRepo: false, aliases: stored ? [stored] : [] }, dropped: ctx.ignored.has(id) };
    if (stored) {
      const again = await ctx.resolveProject(stored);
      if (again.isRepo && again.path === stored) info.project = again;
    }
    ctx.sessions.set(id, info);
    if (!stored && !info.dropped) ctx.batch.sessions.set(id, { id, projectPath: '', source: this.adapter.id });
    return info;
  }

  /** The read reached the end: its final cursor joins the batch. False when a directory handed `from` back (nothing changed). */
  complete(): boolean {
    const { ctx, stamp } = this;
    if (!this.cursor && stamp.isDir && this.from) return false;
    this.fullAt = undefined;
    this.summary.filesRead++;
    const cursor: SourceFileRow = this.cursor
      ? { ...this.cursor, size: stamp.size, skipped: this.skipped, ...(this.keepsIgnored ? { offset: 0, state: undefined } : {}) }
      : { path: this.file, source: this.adapter.id, size: stamp.size, mtimeMs: stamp.mtimeMs, offset: 0, headHash: this.headHash, skipped: this.skipped };
    this.cursor = cursor;
    ctx.batch.cursors.set(this.file, cursor);
    for (const id of this.touched) ctx.batch.finish.add(id);
    if (ctx.batch.size >= ctx.batchRecords || ctx.batch.bytes >= ctx.batchBytes) flush(ctx);
    this.countRedactions();
    return true;
  }

  /** Unreadable (permission denied), locked or corrupt: keep what was read, keep the old cursor. */
  fail(e: NodeJS.ErrnoException): void {
    const { ctx } = this;
    const reason = e.code === 'EACCES' || e.code === 'EPERM' ? 'permission denied' : e.code === 'SQLITE_BUSY' ? 'store is locked' : `cannot read: ${e.message}`;
    this.summary.filesRead++;
    warnSkip(ctx, this.summary, this.file, undefined, reason);
    for (const id of this.touched) ctx.batch.finish.add(id);
    // What was read is kept, with the cursor of the checkpoint where the batch filled, if it did.
    const at = this.fullAt ?? undefined;
    this.fullAt = undefined;
    try {
      flush(ctx, at);
    } catch (flushErr) {
      if (isDamagedDatabase(flushErr)) throw flushErr;
      ctx.report({ type: 'warning', message: `could not store what was read: ${(flushErr as Error).message}`, file: this.file });
    }
    this.countRedactions();
  }

  reportMoreSkipped(): void {
    if (this.warned > WARNINGS_PER_FILE) this.ctx.report({ type: 'warning', message: `${this.warned - WARNINGS_PER_FILE} more line(s) skipped`, file: this.file });
  }

  private countRedactions(): void {
    for (const t of this.tallies.values()) {
      this.summary.redactions += t.count;
      addKinds({ count: 0, kinds: this.summary.redactionKinds }, 0, t.kinds);
    }
    this.tallies.clear();
  }
}

function warnSkip(ctx: RunContext, summary: SourceSummary, file: string, line: number | undefined, reason: string): void {
  summary.skipped[reason] = (summary.skipped[reason] ?? 0) + 1;
  ctx.report({ type: 'warning', message: `skipped: ${reason}`, file, line });
}

async function onSession(
  ctx: RunContext,
  adapter: SourceAdapter,
  s: SessionRecord,
  sessions: Map<string, SessionInfo>,
  batch: Batch,
  tallies: Tallies,
  excludedSeen: Set<string>,
): Promise<void> {
  let info = sessions.get(s.id);
  if (!info || (s.cwd && !info.cwd)) {
    const project = await ctx.resolveProject(s.cwd);
    const dropped = ctx.ignored.has(s.id) || isExcluded(ctx.config, project.path, s.cwd);
    info = { project, cwd: s.cwd, dropped };
    sessions.set(s.id, info);
  }
  if (info.dropped) {
    excludedSeen.add(s.id);
    return;
  }
  const tally = { count: 0, kinds: {} as Record<string, number> };
  const cleanedTitle = s.title !== undefined ? cleanTitle(s.title) : undefined;
  if (cleanedTitle) addKinds(tally, cleanedTitle.redactions, cleanedTitle.kinds);
  const title = cleanedTitle?.text;
  const metadata = redactDeep({ ...(s.metadata ?? {}), ...(s.cwd ? { cwd: s.cwd } : {}) }, tally) as Record<string, unknown>;
  if (tally.count > 0) tallies.set(`s:${s.id}`, tally);
  const prev = batch.sessions.get(s.id);
  batch.sessions.set(s.id, {
    id: s.id,
    projectPath: info.project.path,
    source: adapter.id,
    title: title ?? prev?.title ?? null,
    createdAt: s.createdAt ?? prev?.createdAt ?? null,
    metadata: { ...(prev?.metadata ?? {}), ...metadata },
  });
}

type Tallies = Map<string, { count: number; kinds: Record<string, number> }>;

/** A message waiting for its batch's write: as read, or already cleaned (and the raw text let go). */
type PendingMessage = { summary: SourceSummary } & ({ record: MessageRecord; cleaned?: undefined } | { record?: undefined; cleaned: CleanedMessage });

/** The row, its redactions counted into the summary (once per write, as the row is written). */
function countedRow({ row, tally }: CleanedMessage, summary: SourceSummary): MessageRow {
  if (tally.count > 0) {
    summary.redactions += tally.count;
    addKinds({ count: 0, kinds: summary.redactionKinds }, 0, tally.kinds);
  }
  return row;
}

function toEditRow(e: FileEditRecord, info: SessionInfo, tallies: Tallies): FileEditRow {
  const oldText = cleanEditText(e.oldText);
  const newText = cleanEditText(e.newText);
  const patch = cleanEditText(e.patch);
  const tally = { count: (oldText?.redactions ?? 0) + (newText?.redactions ?? 0) + (patch?.redactions ?? 0), kinds: {} as Record<string, number> };
  addKinds(tally, 0, oldText?.kinds ?? {});
  addKinds(tally, 0, newText?.kinds ?? {});
  addKinds(tally, 0, patch?.kinds ?? {});
  // A failed edit's error is a one-line note like a title: readers hand it whole, and it is cut
  // only after redaction, so a key crossing the cut never keeps its head.
  // An error of another shape (an object, a list) becomes the same note: redacted as data first,
  // so a secret is caught in its own string, then written out as JSON.
  const { error, ...rest } = e.metadata ?? {};
  const note = typeof error === 'string' ? error : error == null ? undefined : JSON.stringify(redactDeep(error, tally));
  const cleanedError = note === undefined ? undefined : cleanTitle(note);
  if (cleanedError) addKinds(tally, cleanedError.redactions, cleanedError.kinds);
  const metadata = { ...(redactDeep(rest, tally) as Record<string, unknown>), ...(cleanedError ? { error: cleanedError.text } : error === null ? { error } : {}) };
  if (tally.count > 0) tallies.set(`e:${e.id}`, tally);
  const path = repoRelativePath(e.path, e.cwd ?? info.cwd, info.project);
  const extra = {
    ...metadata,
    ...(tally.count > 0 ? { redactions: tally.count } : {}),
    ...(oldText?.cutFrom !== undefined ? { oldLength: oldText.cutFrom } : {}),
    ...(newText?.cutFrom !== undefined ? { newLength: newText.cutFrom } : {}),
  };
  return {
    id: e.id,
    sessionId: e.sessionId,
    messageId: e.messageId ?? null,
    requestId: e.requestId ?? null,
    projectPath: info.project.path,
    path,
    tool: e.tool,
    oldText: oldText?.text ?? null,
    newText: newText?.text ?? null,
    patch: patch?.text ?? null,
    createdAt: e.createdAt ?? null,
    metadata: Object.keys(extra).length > 0 ? extra : null,
  };
}

// Small local reads, done synchronously: one changed file's check is a stat and one or two 4 KB
// reads, and thousands of unchanged transcripts should not wait on the thread pool for each.

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0');

function isSqliteFile(file: string): boolean {
  const head = readHead(file, SQLITE_MAGIC.length);
  return head !== undefined && head.equals(SQLITE_MAGIC);
}
