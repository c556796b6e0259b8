// lore search benchmarks (issue 5). Run: npm run build && node bench/search.mjs
//  1. Retrieval quality on the real fixtures: MRR and recall@10 for full text, vectors, hybrid.
//  2. Latency of the in-process search() on a generated database of 1,000,000 messages (cached in
//     .bench-tmp/search-1m.db; bulk insert, then FTS5 'rebuild'), rare and common terms, p50/p95,
//     against the naive baseline in the same run: FTS5 MATCH ordered by bm25() over every match.
//  3. With LORE_BENCH_REPO=<checkout> (instead of 2): `lore search` as a user runs it, whole process,
//     on a database of that repository's history plus ~27k chat messages (LORE_BENCH_CHAT_MB of the
//     real Claude Code fixtures replayed, default 212), p50/p95 per query kind (bench/lib/search-real.mjs).
import { existsSync, renameSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import { loadCore } from './lib/build-core.mjs';
import { retrievalQuality } from './lib/retrieval.mjs';

const N = Number(process.env.LORE_BENCH_MESSAGES ?? 1_000_000);
const core = await loadCore();
await retrievalQuality(core);
if (process.env.LORE_BENCH_REPO) {
  const { searchRealRepo } = await import('./lib/search-real.mjs');
  for (const repo of process.env.LORE_BENCH_REPO.split(':').filter(Boolean)) await searchRealRepo(repo);
  process.exit(0);
}

// Deterministic pseudo-random text with a Zipf vocabulary of 30k words.
let seed = 42;
// mulberry32: 32-bit integer arithmetic (a float LCG loses its low bits past 2^53).
const rand = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const VOCAB = 30_000;
const words = Array.from({ length: VOCAB }, (_, i) => `w${i.toString(36)}x${'abcdefghij'[i % 10]}`);
const cdf = [];
let total = 0;
for (let i = 1; i <= VOCAB; i++) cdf.push((total += 1 / i));
const pick = () => {
  const r = rand() * total;
  let lo = 0;
  let hi = VOCAB - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cdf[mid] < r) lo = mid + 1;
    else hi = mid;
  }
  return words[lo];
};
const sentence = (n) => Array.from({ length: n }, pick).join(' ');

const path = resolve(`.bench-tmp/search-v2-${N}.db`);
if (!existsSync(path)) {
  const t0 = Date.now();
  const tmp = `${path}.partial`;
  for (const s of ['', '-wal', '-shm']) rmSync(tmp + s, { force: true });
  const db = core.openDb(tmp);
  const trigger = db.prepare("SELECT sql FROM sqlite_master WHERE name = 'messages_fts_ai'").get().sql;
  db.exec('DROP TRIGGER messages_fts_ai');
  const sessions = 10_000;
  const insS = db.prepare("INSERT INTO sessions (id, project_path, title, source, created_at) VALUES (?, '/bench/repo', ?, 'claude-code', '2026-01-01T00:00:00.000Z')");
  const insM = db.prepare('INSERT INTO messages (id, session_id, role, content, created_at, metadata) VALUES (?, ?, ?, ?, ?, ?)');
  db.transaction(() => {
    for (let s = 0; s < sessions; s++) insS.run(`bench:${s}`, sentence(5));
    for (let i = 0; i < N; i++) {
      const s = i % sessions;
      const at = new Date(Date.parse('2026-01-01T00:00:00Z') + i * 1000).toISOString();
      insM.run(`bench:${s}:${i}`, `bench:${s}`, i % 2 ? 'assistant' : 'user', sentence(30), at, i % 2 ? '{"kind":"text"}' : '{"kind":"prompt"}');
    }
  })();
  db.exec("INSERT INTO messages_fts(messages_fts) VALUES ('rebuild')");
  db.exec(trigger);
  const t1 = Date.now();
  await core.embedPending(db, core.hashEmbedder(), { batch: 5000 });
  const t2 = Date.now();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  renameSync(tmp, path);
  console.log(`generated ${N} messages in ${((t1 - t0) / 1000).toFixed(1)} s (insert + FTS rebuild), vectors in ${((t2 - t1) / 1000).toFixed(1)} s`);
}

const db = core.openDb(path);
const embedder = core.hashEmbedder();
if (core.hasOldVectorLayout(db)) {
  const t = Date.now();
  await core.embedPending(db, embedder, { batch: 5000 });
  db.pragma('wal_checkpoint(TRUNCATE)');
  console.log(`recomputed vectors for the current layout in ${((Date.now() - t) / 1000).toFixed(1)} s`);
}
const df = (w) => db.prepare('SELECT count(*) AS n FROM messages_fts WHERE messages_fts MATCH ?').get(`"${w}"`).n;
// Rare: the first words (by rank, from the tail of the vocabulary) that occur in 1..2000 messages.
const rare = [];
for (let r = VOCAB - 1; r > 0 && rare.length < 6; r -= 97) {
  const n = df(words[r]);
  if (n >= 1 && n <= 2000) rare.push(words[r]);
}
const queries = {
  rare: [rare[0], rare[1], `${rare[2]} ${rare[3]}`, rare[4], rare[5]].filter(Boolean),
  common: [words[0], words[1], `${words[0]} ${words[2]}`, words[3], `${words[1]} ${words[5]} ${words[9]}`],
};
console.log(`database: ${N} messages; rare terms match ${queries.rare.map((q) => df(q.split(' ')[0])).join('/')} rows, common terms ${queries.common.map((q) => df(q.split(' ')[0])).join('/')}`);

const pct = (xs, p) => xs.slice().sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const naive = db.prepare('SELECT m.id FROM messages_fts JOIN messages m ON m.rowid = messages_fts.rowid WHERE messages_fts MATCH ? ORDER BY bm25(messages_fts) LIMIT 10');
async function measure(fn, reps = 8) {
  const times = [];
  for (let r = 0; r < reps; r++) {
    for (const q of this) {
      const t = performance.now();
      await fn(q);
      times.push(performance.now() - t);
    }
  }
  return { p50: pct(times, 50), p95: pct(times, 95) };
}
for (const [label, qs] of Object.entries(queries)) {
  await measure.call(qs, (q) => core.search(db, { query: q, limit: 10 }, { embedder }), 1); // warm
  const hybrid = await measure.call(qs, (q) => core.search(db, { query: q, limit: 10 }, { embedder }));
  const fts = await measure.call(qs, (q) => core.search(db, { query: q, limit: 10, mode: 'fts' }, { embedder }));
  const base = await measure.call(qs, (q) => naive.all(q.split(' ').map((w) => `"${w}"`).join(' OR ')), 3);
  console.log(
    `${label.padEnd(6)} search() hybrid p50 ${hybrid.p50.toFixed(1)} ms p95 ${hybrid.p95.toFixed(1)} ms | full text only p50 ${fts.p50.toFixed(1)} p95 ${fts.p95.toFixed(1)} ms | naive bm25-over-all-matches p50 ${base.p50.toFixed(1)} p95 ${base.p95.toFixed(1)} ms | hybrid p95 ×${(base.p95 / hybrid.p95).toFixed(2)} of baseline${hybrid.p95 <= 100 ? ' (≤ 100 ms: ok)' : ' (> 100 ms: MISSES the target)'}`,
  );
}
db.close();
