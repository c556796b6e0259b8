import { resolveEmbedder } from '../embed/index.js';
import type { Reporter } from '../events.js';
import { reindexVectors, type EmbedResult } from './embed-vectors.js';
import { dbPathOf, withDb, type Place } from './repo-context.js';

/** `lore reindex --vectors`: drops every search vector and computes them all again with the configured model. */
export async function reindex(place: Pick<Place, 'db' | 'env'>, report: Reporter): Promise<EmbedResult> {
  return withDb(dbPathOf(place), (db) => reindexVectors(db, resolveEmbedder(place.env ?? process.env), { report }));
}
