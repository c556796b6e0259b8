// `lore search` as a user runs it (whole process) on a real repository's history plus ~27k chat
// messages (issue 17), p50/p95 per query kind. The database is built once per repository HEAD and
// chat size, and kept in .bench-tmp/ (building git/git's takes minutes).
// LORE_BENCH_CLI_BEFORE=<another build's dist/cli.js> times that build too, interleaved, on the same database.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { basename, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { CLI, header, isolatedEnv, result, timed, waitForWorker } from './measure.mjs';
import { replayedTranscripts } from './replay-claude.mjs';

const RUNS = Number(process.env.LORE_BENCH_RUNS ?? 11);
const TARGET_MS = 300;
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
// src/query/search.ts drops these when other words remain; a query of them alone says little.
const STOP = new Set(
  'a an and are as at be but by did do does for from had has have how i if in into is it its me my no not of on or our so that the their them then there these they this to was we were what when where which who why will with would you your'.split(' '),
);

export async function searchRealRepo(checkout) {
  const repo = realpathSync(checkout);
  const name = basename(repo);
  const headSha = timed('git', ['rev-parse', 'HEAD'], { cwd: repo, keepOutput: true }).stdout.trim();
  const mb = Number(process.env.LORE_BENCH_CHAT_MB ?? 212);
  const home = resolve(`.bench-tmp/search-${name}-${headSha.slice(0, 10)}-${mb}mb`);
  const env = isolatedEnv(home);
  if (!existsSync(join(home, 'ready'))) {
    rmSync(home, { recursive: true, force: true });
    const projects = join(home, '.claude', 'projects', 'bench');
    mkdirSync(projects, { recursive: true });
    let n = 0;
    for (const t of replayedTranscripts(mb * 1e6)) {
      const id = `${String(n).padStart(8, '0')}-0000-4000-a000-${String(n).padStart(12, '0')}`;
      writeFileSync(join(projects, `${id}.jsonl`), t.text.replace(/"cwd":"[^"]*"/g, `"cwd":${JSON.stringify(repo)}`));
      n++;
    }
    const t0 = Date.now();
    timed(process.execPath, [CLI, 'index', '--wait', '-q'], { cwd: repo, env });
    await waitForWorker(join(repo, '.git'), { appearMs: 0 });
    console.log(`  built the database of ${name} and ${n} transcripts (${mb} MB) in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    writeFileSync(join(home, 'ready'), '');
  }
  const queries = queriesOf(join(env.LORE_HOME, 'lore.db'), repo);
  const clis = [['after', CLI], ...(process.env.LORE_BENCH_CLI_BEFORE ? [['before', resolve(process.env.LORE_BENCH_CLI_BEFORE)]] : [])];
  header(`search: lore search, whole process, on ${name} (${queries.counts}); ${RUNS} rounds, interleaved`);
  const floor = [];
  const times = new Map();
  for (let round = 0; round < RUNS; round++) {
    floor.push(run(process.execPath, ['-e', ''], repo, env));
    for (const q of queries.list) {
      for (const [label, cli] of clis) {
        const key = `${label}\0${q.kind}`;
        if (!times.has(key)) times.set(key, []);
        times.get(key).push(run(process.execPath, [cli, 'search', ...q.args], repo, env));
      }
      const key = `git\0${q.kind}`;
      if (!times.has(key)) times.set(key, []);
      times.get(key).push(run('git', q.git, repo, env));
    }
  }
  const f = stats(floor);
  console.log(`  node -e '' (process start floor): p50 ${f.p50.toFixed(0)} ms, p95 ${f.p95.toFixed(0)} ms`);
  for (const kind of [...new Set(queries.list.map((q) => q.kind))]) {
    const shown = queries.list.filter((q) => q.kind === kind).map((q) => q.args.join(' ')).join(' | ');
    const git = stats(times.get(`git\0${kind}`));
    const cells = clis.map(([label]) => {
      const s = stats(times.get(`${label}\0${kind}`));
      return `${label} wall p50 ${s.p50.toFixed(0)} p95 ${s.p95.toFixed(0)} ms, CPU p50 ${s.cpu50.toFixed(0)} p95 ${s.cpu95.toFixed(0)} ms`;
    });
    console.log(`  ${kind.padEnd(8)} ${cells.join(' | ')} | git log --grep p95 ${git.p95.toFixed(0)} ms   [${shown}]`);
    const after = stats(times.get(`after\0${kind}`));
    result({ bench: 'search', what: `lore search p95, ${name}, ${kind}`, lore: after.p95, baseline: git.p95, baselineLabel: 'git log -i -F --grep -n 10', target: `p95 ≤ ${TARGET_MS} ms`, maxMs: TARGET_MS });
  }
}

/** Wall and CPU (user + sys, from /usr/bin/time: 10 ms steps) of one process, in ms. */
function run(cmd, args, cwd, env) {
  const t0 = process.hrtime.bigint();
  const r = TIME ? spawnSync(TIME, ['-f', '##cpu %U %S', cmd, ...args], { cwd, env, encoding: 'utf8', maxBuffer: 1 << 28 }) : spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 1 << 28 });
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  const m = /##cpu ([\d.]+) ([\d.]+)/.exec(r.stderr ?? '');
  return { wall, cpu: m ? (Number(m[1]) + Number(m[2])) * 1000 : NaN };
}

function stats(xs) {
  const pct = (v, p) => v.slice().sort((a, b) => a - b)[Math.min(v.length - 1, Math.floor((p / 100) * v.length))];
  const walls = xs.map((x) => x.wall);
  const cpus = xs.map((x) => x.cpu);
  return { p50: pct(walls, 50), p95: pct(walls, 95), cpu50: pct(cpus, 50), cpu95: pct(cpus, 95) };
}

/** Queries of every kind, taken from the data: the most common words, rare ones, the most changed file, a date. */
function queriesOf(dbPath, repo) {
  const db = new Database(dbPath, { readonly: true });
  // Document frequencies of every term (fts5vocab in the temp schema: nothing is written to the file).
  db.exec("CREATE VIRTUAL TABLE temp.bench_vocab USING fts5vocab(main, 'messages_fts', 'row')");
  const words = db.prepare("SELECT term, doc FROM temp.bench_vocab WHERE length(term) >= 3 AND term GLOB '[a-z]*' AND term NOT GLOB '*[^a-z]*' ORDER BY doc DESC").all();
  const content = words.filter((w) => !STOP.has(w.term));
  const rare = content.filter((w) => w.doc >= 2 && w.doc <= 20 && w.term.length >= 6);
  const [c1, c2, c3] = content;
  const mid = [content[60], content[200]].filter(Boolean);
  const since = db.prepare('SELECT created_at FROM messages ORDER BY rowid DESC LIMIT 1 OFFSET (SELECT count(*) / 10 FROM messages)').pluck().get().slice(0, 10);
  const counts = `${db.prepare('SELECT count(*) FROM messages').pluck().get()} messages; "${c1.term}" in ${c1.doc}, "${c2.term}" in ${c2.doc}, "${rare[0]?.term}" in ${rare[0]?.doc}`;
  db.close();
  const file = mostChangedFile(repo);
  const grep = (w) => ['log', '-i', '-F', '-n', '10', '--format=%H', `--grep=${w}`];
  const q = (kind, args, word) => ({ kind, args, git: grep(word) });
  const r1 = rare[0]?.term ?? 'xyzzy';
  const r2 = rare[Math.floor(rare.length / 2)]?.term ?? 'plugh';
  return {
    counts,
    list: [
      q('common', [c1.term], c1.term),
      q('common', [c2.term, c3.term], c2.term),
      q('rare', [r1], r1),
      q('rare', [r2, 'xyzzyplugh'], r2),
      q('phrase', ['why', 'does', mid[0].term, mid[1].term, 'fail'], mid[0].term),
      q('path', [file], file),
      q('path', [basename(file)], basename(file)),
      q('filter', ['--source', 'claude-code', c1.term], c1.term),
      q('filter', ['--since', since, c2.term], c2.term),
      q('filter', ['--file', file, c1.term], c1.term),
      q('fts', ['--mode', 'fts', c1.term], c1.term),
      q('fts', ['--mode', 'fts', c2.term, c3.term], c2.term),
      q('vector', ['--mode', 'vector', c1.term], c1.term),
      q('json', ['--json', c1.term], c1.term),
      q('json', ['--json', r1], r1),
    ],
  };
}

function mostChangedFile(repo) {
  const tracked = new Set(timed('git', ['ls-files'], { cwd: repo, keepOutput: true }).stdout.split('\n'));
  const counts = new Map();
  for (const f of timed('git', ['log', '-n', '20000', '--format=', '--name-only'], { cwd: repo, keepOutput: true }).stdout.split('\n')) {
    if (tracked.has(f)) counts.set(f, (counts.get(f) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'README.md';
}
