import type { Reporter } from '../events.js';
import { ingest, type IngestResult } from '../ingest/index.js';
import { dbPathOf, withDb, type Place } from './repo-context.js';

/** `lore ingest [PATHS]`: reads AI chat transcripts (every detected source, or the given files and folders). */
export async function ingestChats(place: Pick<Place, 'db' | 'env'>, request: { sources?: string[]; paths?: string[] }, report: Reporter): Promise<IngestResult> {
  return withDb(dbPathOf(place), (db) => ingest(db, { sources: request.sources, paths: request.paths, report }));
}
