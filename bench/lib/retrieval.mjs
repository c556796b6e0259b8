// Retrieval quality: MRR and recall@10 of full text alone, vectors alone and hybrid, over the
// labelled queries in bench/retrieval-labels.json (real fixtures, labels written before tuning).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildRetrievalDb } from './retrieval-db.mjs';

export async function retrievalQuality(core, { log = console.log } = {}) {
  const labels = JSON.parse(readFileSync(resolve('bench/retrieval-labels.json'), 'utf8')).queries;
  const db = await buildRetrievalDb(core);
  const embedder = core.hashEmbedder();
  const results = {};
  for (const mode of ['fts', 'vector', 'hybrid']) {
    let rr = 0;
    let recall = 0;
    for (const { query, relevant } of labels) {
      const r = await core.search(db, { query, limit: 10, mode }, { embedder });
      const ids = r.hits.map((h) => h.id);
      const first = ids.findIndex((id) => relevant.includes(id));
      rr += first >= 0 ? 1 / (first + 1) : 0;
      recall += relevant.filter((id) => ids.includes(id)).length / relevant.length;
    }
    results[mode] = { mrr: rr / labels.length, recall10: recall / labels.length };
  }
  db.close();
  log(`retrieval quality, ${labels.length} labelled queries over the real fixtures (default hash embedder):`);
  for (const [mode, r] of Object.entries(results)) log(`  ${mode.padEnd(7)} MRR ${r.mrr.toFixed(3)}  recall@10 ${r.recall10.toFixed(3)}`);
  const best = Math.max(results.fts.mrr, results.vector.mrr);
  log(`  hybrid / best single: MRR ×${(results.hybrid.mrr / best).toFixed(2)}, recall@10 ×${(results.hybrid.recall10 / Math.max(results.fts.recall10, results.vector.recall10)).toFixed(2)}`);
  return results;
}
