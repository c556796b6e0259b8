import type { MessagePort } from 'node:worker_threads';
import { serveReads } from '../ingest/index.js';
import { adapters } from '../sources/index.js';

/** The ingest's read worker thread (src/ingest/off-thread.ts): serves its reads with the registered sources. */
export function serveIngestReads(port: MessagePort, credits: Int32Array): void {
  serveReads(port, adapters, credits);
}
