/**
 * The worker thread a big ingest reads transcripts in (src/ingest/off-thread.ts): it serves the
 * ingest's read requests until the ingest ends it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { serveIngestReads } from '../app/read-worker.js';

if (parentPort) serveIngestReads(parentPort, (workerData as { credits: Int32Array }).credits);
