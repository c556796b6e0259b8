import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { MessagePort } from 'node:worker_threads';
import { CHUNKS_AHEAD, CLAIM_SLOTS, startReadThread, type ReadThread } from '../read-thread.js';
import type { Cursor, MessageRecord, SourceAdapter, SourceRecord } from '../sources/index.js';
import { cleanMessage, type CleanedMessage } from './normalize.js';

/**
 * Reading transcripts in a worker thread while the ingest's own thread stores what was read: on
 * two cores a big ingest then takes about the longer of the two halves rather than their sum. The
 * worker runs the adapter's `read()` (file reads, UTF-8 decoding, JSON.parse, the reader's logic)
 * and cleans tool output (redaction, the cut), and sends back only records: small next to the
 * parsed lines, whose copy between threads would cost as much as parsing them again.
 *
 * Records travel in chunks. A chunk ends at a checkpoint and carries only that one with the
 * adapter's resume state, copied once per chunk rather than once per line; the other lines' ends
 * travel as markers. The worker runs a bounded number of chunks ahead of the ingest, so memory
 * stays bounded however big the file.
 */

/** A tool output the worker has already cleaned: the raw text stays in the worker. */
export interface CleanedToolOutput {
  kind: 'cleaned-message';
  message: Pick<MessageRecord, 'id' | 'sessionId' | 'kind'>;
  /** Characters of the raw text (the batch's byte budget counts them, as for any message). */
  length: number;
  cleaned: CleanedMessage;
}

/**
 * A line's checkpoint without the adapter's state, which is copied only at a chunk's end: the
 * ingest still looks at its batch after every line, as when it reads in its own thread, so its
 * batches end at the same records (the rowids of edits that move depend on it).
 */
export interface LineEnd {
  kind: 'line-end';
}

const LINE_END: LineEnd = { kind: 'line-end' };

export type ReadRecord = SourceRecord | CleanedToolOutput | LineEnd;

export interface Chunk {
  job: number;
  records: ReadRecord[];
  /** The last checkpoint of the chunk's lines, with the adapter's state. */
  checkpoint?: Cursor;
  done?: boolean;
  error?: { message: string; code?: string };
}

interface ReadRequest {
  job: number;
  adapter: string;
  file: string;
  from: Cursor | undefined;
}

/** The error code of the reads a stopped worker left unanswered. */
export const WORKER_STOPPED = 'E_READ_WORKER_STOPPED';

/** A chunk ends at the first checkpoint past either limit (CHUNKS_AHEAD of them in flight at most). */
const CHUNK_RECORDS = 256;
const CHUNK_CHARS = 256 * 1024;
/** Longer tool output is always cleaned in the worker. */
const RAW_TOOL_OUTPUT_MAX = 16 * 1024;
/**
 * Who reads a file, decided once: the worker when it gets to it, or the ingest when it gets there
 * first (the worker is still starting, or slower than the ingest).
 */
const UNCLAIMED = 0;
const BY_WORKER = 1;
const BY_INGEST = 2;
const claimSlot = (job: number): number => 1 + (job % CLAIM_SLOTS);

/** The worker's side: serves read requests from `port` in order, with the adapters given. */
export function serveReads(port: MessagePort, adapters: readonly SourceAdapter[], credits: Int32Array): void {
  const queue: ReadRequest[] = [];
  let running = false;
  const post = (chunk: Chunk): void => {
    // Wait for the ingest to finish with a chunk before running further ahead.
    for (;;) {
      const free = Atomics.load(credits, 0);
      if (free > 0) break;
      Atomics.wait(credits, 0, free);
    }
    Atomics.sub(credits, 0, 1);
    port.postMessage(chunk);
  };
  const run = async (): Promise<void> => {
    running = true;
    for (let request = queue.shift(); request; request = queue.shift()) await serveRead(request, adapters, post, credits);
    running = false;
  };
  port.on('message', (request: ReadRequest) => {
    queue.push(request);
    if (!running) void run();
  });
}

async function serveRead(request: ReadRequest, adapters: readonly SourceAdapter[], post: (chunk: Chunk) => void, credits: Int32Array): Promise<void> {
  // The ingest reads a file itself when it gets to it before this thread does.
  if (Atomics.compareExchange(credits, claimSlot(request.job), UNCLAIMED, BY_WORKER) !== UNCLAIMED) return;
  const adapter = adapters.find((a) => a.id === request.adapter);
  let records: ReadRecord[] = [];
  let chars = 0;
  let checkpoint: Cursor | undefined;
  try {
    if (!adapter) throw new Error(`no source ${request.adapter} in the read worker`);
    for await (const rec of adapter.read(request.file, request.from)) {
      if (rec.kind === 'checkpoint') {
        checkpoint = rec.cursor;
        if (records.length >= CHUNK_RECORDS || chars >= CHUNK_CHARS) {
          // postMessage copies the state now, before the adapter changes it for the next line.
          post({ job: request.job, records, checkpoint });
          records = [];
          chars = 0;
          checkpoint = undefined;
        } else records.push(LINE_END);
        continue;
      }
      const m = rec.kind === 'message' ? rec.message : undefined;
      // Tool output is not streamed (cleaned once either way) and is most of a transcript's text:
      // cleaned here while the ingest has chunks waiting (it is the slower half), and left to it
      // while it waits for this thread, unless it is long (its copy would grow the ingest's heap,
      // which a long-running watcher keeps). The same row either way.
      if (m?.kind === 'tool_result' && (m.content.length > RAW_TOOL_OUTPUT_MAX || Atomics.load(credits, 0) < CHUNKS_AHEAD)) {
        records.push({ kind: 'cleaned-message', message: { id: m.id, sessionId: m.sessionId, kind: m.kind }, length: m.content.length, cleaned: cleanMessage(m) });
        chars += 2_000;
        continue;
      }
      records.push(rec);
      chars += m ? m.content.length : rec.kind === 'edit' ? (rec.edit.oldText?.length ?? 0) + (rec.edit.newText?.length ?? 0) : 0;
    }
    // The last line's checkpoint comes with its state.
    if (checkpoint && records[records.length - 1] === LINE_END) records.pop();
    post({ job: request.job, records, checkpoint, done: true });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    post({ job: request.job, records, checkpoint, error: { message: e.message, ...(typeof e.code === 'string' ? { code: e.code } : {}) } });
  }
}

/** A read the worker serves: its chunks, in order, as the ingest asks for them. */
export interface OffThreadRead {
  /** The next chunk; a read error arrives as a chunk with `error`. */
  next(): Promise<Chunk>;
  /** The ingest is done with a chunk: the worker may run one further ahead. */
  release(): void;
  /** The ingest stops reading before the end: later chunks are dropped as they come. */
  abandon(): void;
  /** True when the worker has not started the read: it never will, and the ingest reads the file itself. */
  steal(): boolean;
}

/** The ingest's side: one worker thread, started for a big ingest and ended with it. */
export class ReadWorker {
  private readonly worker: ReadThread['worker'];
  /** The credit count, then the claim slots. */
  private readonly credits: Int32Array;
  private readonly jobs = new Map<number, { chunks: Chunk[]; waiting?: (chunk: Chunk) => void; abandoned: boolean }>();
  private nextJob = 0;
  private failure: Error | undefined;

  /** Takes over a started thread (startReadThread): from now on its failures answer the reads. */
  constructor(thread: ReadThread) {
    this.worker = thread.worker;
    this.credits = thread.credits;
    this.worker.removeAllListeners('error').removeAllListeners('exit');
    this.failure = thread.early.failure;
    this.worker.on('message', (chunk: Chunk) => this.receive(chunk));
    // A worker that dies (out of memory, a bug) answers the reads it had with an error: the ingest
    // reads the files it had not started itself, reports the one it was reading, and goes on.
    const fail = (err: Error): void => {
      this.failure ??= err;
      for (const job of [...this.jobs.keys()]) this.receive({ job, records: [], error: { message: `read worker stopped: ${this.failure.message}`, code: WORKER_STOPPED } });
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`exit code ${code}`)));
  }

  /** Whether the worker still serves reads. */
  get isAlive(): boolean {
    return this.failure === undefined;
  }

  /** Asks the worker to read `file` from `from` with `adapter`; it starts as soon as the reads before it are done. */
  read(adapter: SourceAdapter, file: string, from: Cursor | undefined): OffThreadRead {
    const job = this.nextJob++;
    const entry: { chunks: Chunk[]; waiting?: (chunk: Chunk) => void; abandoned: boolean } = { chunks: [], abandoned: false };
    this.jobs.set(job, entry);
    Atomics.store(this.credits, claimSlot(job), UNCLAIMED);
    this.worker.postMessage({ job, adapter: adapter.id, file, from } satisfies ReadRequest);
    return {
      steal: () => {
        if (Atomics.compareExchange(this.credits, claimSlot(job), UNCLAIMED, BY_INGEST) !== UNCLAIMED) return false;
        this.jobs.delete(job);
        return true;
      },
      next: () => {
        const chunk = entry.chunks.shift();
        if (chunk) return Promise.resolve(chunk);
        return new Promise((resolve) => (entry.waiting = resolve));
      },
      release: () => this.release(),
      abandon: () => {
        entry.abandoned = true;
        for (const _ of entry.chunks.splice(0)) this.release();
      },
    };
  }

  /** Whether every read asked of the worker has been answered. */
  get isIdle(): boolean {
    return this.jobs.size === 0;
  }

  /** Whether the thread keeps the process running (not while it waits for the next ingest). */
  setRef(isRef: boolean): void {
    if (isRef) this.worker.ref();
    else this.worker.unref();
  }

  /** Ends the thread. */
  async stop(): Promise<void> {
    this.failure ??= new Error('stopped');
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }

  private receive(chunk: Chunk): void {
    const entry = this.jobs.get(chunk.job);
    if (!entry) return;
    if (chunk.done || chunk.error) this.jobs.delete(chunk.job);
    if (entry.abandoned) {
      if (!chunk.error || this.isAlive) this.release();
      return;
    }
    if (entry.waiting) {
      const resolve = entry.waiting;
      entry.waiting = undefined;
      resolve(chunk);
    } else entry.chunks.push(chunk);
  }

  private release(): void {
    // Only a worker that found no credit left can be waiting: the wake-up is a system call.
    if (Atomics.add(this.credits, 0, 1) <= 0) Atomics.notify(this.credits, 0);
  }
}

/**
 * A worker an ingest is done with waits this long for the next one: a thread starts cold (its
 * module to load, its code to optimise again), which costs a big ingest a large part of what the
 * thread saves. Long enough for back-to-back ingests, short enough that `lore watch` idles
 * without it.
 */
const KEEP_IDLE_MS = 2_000;
let spare: { worker: ReadWorker; script: string; timer: NodeJS.Timeout } | undefined;

/**
 * A thread started before the ingest was asked for (`lore ingest` starts it with the command):
 * the next ingest takes it as it would the last one's, or it ends after the same wait.
 */
export function offerReadThread(thread: ReadThread): void {
  // The thread started for this command replaces one an earlier ingest left waiting.
  const kept = spare;
  spare = undefined;
  if (kept) {
    clearTimeout(kept.timer);
    void kept.worker.stop();
  }
  void giveBackReadWorker(new ReadWorker(thread), thread.script);
}

/** A read worker for `script`: the one the last ingest left, while it waits, or a new one. */
export function takeReadWorker(script: string): ReadWorker {
  const kept = spare;
  spare = undefined;
  if (kept) {
    clearTimeout(kept.timer);
    if (kept.script === script && kept.worker.isAlive) {
      kept.worker.setRef(true);
      return kept.worker;
    }
    void kept.worker.stop();
  }
  const worker = new ReadWorker(startReadThread(script));
  worker.setRef(true);
  return worker;
}

/** Hands a worker back after an ingest: it waits a little for the next ingest, unless it has reads left. */
export function giveBackReadWorker(worker: ReadWorker, script: string): Promise<void> | undefined {
  if (!worker.isAlive || !worker.isIdle || spare) return worker.stop();
  worker.setRef(false);
  const timer = setTimeout(() => {
    if (spare?.worker === worker) spare = undefined;
    void worker.stop();
  }, KEEP_IDLE_MS);
  timer.unref();
  spare = { worker, script, timer };
  return undefined;
}

/**
 * The worker's script beside the running bundle (`dist/ingest-worker.js`, next to `dist/fast.cjs`
 * and one folder up from `dist/chunks/`); undefined where there is none (the TypeScript sources
 * under test): then the ingest reads in its own thread.
 */
export function readWorkerScript(): string | undefined {
  for (const candidate of ['./ingest-worker.js', '../ingest-worker.js']) {
    const path = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(path)) return path;
  }
  return undefined;
}
