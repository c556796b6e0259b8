import type { Worker } from 'node:worker_threads';
import { workerThreads } from './builtins.js';

// The thread a big chat ingest reads transcripts in (src/ingest/off-thread.ts). In the kernel
// because `lore ingest` starts it before the rest of lore loads (src/cli/bin.ts), so that the
// thread's own start-up overlaps the command's; src/ingest adopts it.

// Chunks in flight, their size and the worker's young generation bound what the thread adds to
// an ingest's memory (a copy of each chunk on each side, a second heap). The worker needs room to
// go on reading while the ingest writes a batch and cleans its messages (docs/performance.md,
// Ingest).
/** Chunks the worker may have sent that the ingest has not finished with. */
export const CHUNKS_AHEAD = 64;
/**
 * Who reads a file, decided once per read: slots after the credit count, one per recent read (far
 * more than are ever asked ahead).
 */
export const CLAIM_SLOTS = 128;
/** The worker's young generation (MB): V8's default lets it grow to 32 MB of short-lived parse garbage. */
const WORKER_YOUNG_MB = 8;

/** A started read thread: the worker, the credits it shares with the ingest, and what ended it early. */
export interface ReadThread {
  worker: Worker;
  script: string;
  /** The credit count (chunks the worker may still send), then the claim slots. */
  credits: Int32Array;
  /** An error or exit seen before an ingest took the thread over. */
  early: { failure?: Error };
}

/**
 * Starts the read thread on `script`. Until an ingest takes it over, the thread does not keep the
 * process running, and an error it meets is kept rather than thrown.
 */
export function startReadThread(script: string): ReadThread {
  const credits = new Int32Array(new SharedArrayBuffer(4 * (1 + CLAIM_SLOTS)));
  Atomics.store(credits, 0, CHUNKS_AHEAD);
  const worker = new (workerThreads().Worker)(script, { workerData: { credits }, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_MB } });
  const early: ReadThread['early'] = {};
  worker.on('error', (err) => (early.failure ??= err));
  worker.on('exit', (code) => (early.failure ??= new Error(`exit code ${code}`)));
  worker.unref();
  return { worker, script, credits, early };
}
