// Chat ingest benchmarks (issue 3). Run: npm run build && node bench/ingest.mjs
//  1. Throughput: ≥ 50 MB of Claude Code transcripts (the real fixtures replayed with fresh ids)
//     through the whole ingest (parse, normalize, redact, SQLite) vs a bare Node pass that reads
//     the same files line by line and JSON.parses each line. Target: ≤ 2.0× wall (issue 17).
//  2. Re-ingest of the unchanged files vs the first ingest. Target: ≤ 5%.
//  3. Peak RSS of a child process ingesting one 500 MB transcript. Target: ≤ 250 MB.
//  4. As a user runs it: a fresh `lore ingest` process (dist/cli.cjs, into a fresh database) vs a
//     fresh `node` process making the bare pass, medians of interleaved runs. Target: ≤ 2.0× wall.
// BENCH_INGEST_MB and BENCH_BIG_MB change the sizes; BENCH_SKIP_BIG=1 skips 3.
import { execFileSync, spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, createWriteStream, readdirSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import { build } from 'esbuild';
import { fixtureFiles, replay, replayedTranscripts, sizeOf } from './lib/replay-claude.mjs';
import { result } from './lib/measure.mjs';

const MB = 1e6;
const lib = resolve('.bench-tmp/ingest-lib.mjs');
const external = ['better-sqlite3', 'sqlite-vec', 'ts-morph', 'typescript', 'chokidar', 'fsevents'];
await build({
  stdin: { contents: "export { ingest } from './src/ingest/index.ts'; export { openDb } from './src/db/index.ts';", resolveDir: resolve('.'), loader: 'ts' },
  outfile: lib, format: 'esm', bundle: true, platform: 'node', external, logLevel: 'error',
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
});
// The worker thread a big ingest reads in: found beside the library, as dist/ingest-worker.js is beside dist's bundles.
await build({ entryPoints: { 'ingest-worker': 'src/workers/ingest-worker.ts' }, outdir: resolve('.bench-tmp'), format: 'esm', bundle: true, platform: 'node', external, logLevel: 'error',
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" } });

if (process.argv[2] === '--child-big') {
  // Child: ingest one big transcript, print peak RSS (MB).
  const { ingest, openDb } = await import(lib);
  const [, , , dbPath, file] = process.argv;
  const db = openDb(dbPath);
  const t = performance.now();
  const r = await ingest(db, { sources: ['claude-code'], paths: [file], config: { excludeProjects: [] } });
  db.close();
  const s = r.sources[0];
  console.log(JSON.stringify({ maxRssMB: process.resourceUsage().maxRSS / 1024, seconds: (performance.now() - t) / 1000, messages: s.messages, edits: s.edits }));
  process.exit(0);
}

const { ingest, openDb } = await import(lib);
const work = mkdtempSync(join(tmpdir(), 'lore-bench-ingest-'));
const projects = join(work, 'claude', 'projects', '-bench');
mkdirSync(projects, { recursive: true });
const target = Number(process.env.BENCH_INGEST_MB || 50) * MB;
let n = 0;
for (const t of replayedTranscripts(target)) {
  const id = `${String(n).padStart(8, '0')}-0000-4000-a000-${String(n).padStart(12, '0')}`;
  writeFileSync(join(projects, `${id}.jsonl`), t.text);
  n++;
}
const files = readdirSync(projects).map((f) => join(projects, f));
const bytes = sizeOf(files);

async function barePass() {
  let lines = 0;
  for (const f of files) {
    const rl = createInterface({ input: createReadStream(f), crlfDelay: Infinity });
    for await (const line of rl) if (line) { JSON.parse(line); lines++; }
  }
  return lines;
}

// Wall time, and CPU time (user + system) of this process: on a shared machine the CPU time is the
// steadier measure of the work done, so both are printed. On Linux also the time the main thread
// was ready to run but waited for a core (schedstat): on a loaded machine the ingest, which never
// sleeps, waits far longer than the bare pass, whose reads sleep on the thread pool.
const schedstat = () => {
  try {
    return Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[1]) / 1e9;
  } catch {
    return undefined;
  }
};
async function timed(fn) {
  const t = performance.now();
  const c = process.cpuUsage();
  const w = schedstat();
  const value = await fn();
  const cpu = process.cpuUsage(c);
  const w2 = schedstat();
  return { seconds: (performance.now() - t) / 1000, cpu: (cpu.user + cpu.system) / 1e6, waited: w === undefined || w2 === undefined ? undefined : w2 - w, value };
}

const env = { ...process.env, CLAUDE_CONFIG_DIR: join(work, 'claude') };
const options = { sources: ['claude-code'], env, config: { excludeProjects: [] } };
await barePass(); // warm the page cache for both
const runs = [];
for (let i = 0; i < 3; i++) {
  const bare = await timed(barePass);
  const dbPath = join(work, `run${i}.db`);
  const db = openDb(dbPath);
  // Time spent inside SQLite transactions (rows, indexes and the full-text index), for the breakdown.
  let inSqlite = 0;
  const transaction = db.transaction.bind(db);
  db.transaction = (fn) => {
    const tx = transaction(fn);
    const timedTx = (...a) => { const t = performance.now(); try { return tx(...a); } finally { inSqlite += performance.now() - t; } };
    timedTx.immediate = (...a) => { const t = performance.now(); try { return tx.immediate(...a); } finally { inSqlite += performance.now() - t; } };
    return timedTx;
  };
  const first = await timed(() => ingest(db, options));
  first.sqlite = inSqlite / 1000;
  const again = await timed(() => ingest(db, options));
  db.close();
  rmSync(dbPath, { force: true });
  runs.push({ bare, first, again });
}
const best = (k) => Math.min(...runs.map((r) => r[k].seconds));
const bestCpu = (k) => Math.min(...runs.map((r) => r[k].cpu));
const s = runs[0].first.value.sources[0];
const bare = best('bare');
const first = best('first');
const again = best('again');
console.log(`ingest throughput: ${(bytes / MB).toFixed(1)} MB in ${files.length} transcripts, ${runs[0].bare.value} lines; stored ${s.sessions} sessions, ${s.messages} messages, ${s.edits} edits, ${s.redactions} redactions`);
const bareRun = runs.find((r) => r.bare.seconds === bare).bare;
const firstRun = runs.find((r) => r.first.seconds === first).first;
const waited = (r) => (r.waited === undefined ? '' : `  (${r.waited.toFixed(2)} s of it waiting for a core)`);
console.log(`  bare readline + JSON.parse  ${bare.toFixed(2)} s  ${(bytes / MB / bare).toFixed(1)} MB/s${waited(bareRun)}`);
console.log(`  lore ingest (to SQLite)     ${first.toFixed(2)} s  ${(bytes / MB / first).toFixed(1)} MB/s${waited(firstRun)}`);
console.log(`    of which SQLite writes   ${firstRun.sqlite.toFixed(2)} s  (rows, indexes, FTS5 full-text index)`);
console.log(`  ratio ${(first / bare).toFixed(2)}× wall, ${(bestCpu('first') / bestCpu('bare')).toFixed(2)}× CPU (${bestCpu('first').toFixed(2)} s vs ${bestCpu('bare').toFixed(2)} s)  (target ≤ 2.0× wall; load average ${loadavg()[0].toFixed(1)})`);
if (firstRun.waited !== undefined && bareRun.waited !== undefined) {
  // What a quiet machine would show: the wall time less the time spent ready to run but without a core.
  const busy = (r) => r.seconds - r.waited;
  console.log(`  without the wait for a core: ${busy(firstRun).toFixed(2)} s vs ${busy(bareRun).toFixed(2)} s, ${(busy(firstRun) / busy(bareRun)).toFixed(2)}×`);
}
result({ bench: 'ingest', what: `chat ingest, ${(bytes / MB).toFixed(0)} MB of Claude Code transcripts`, lore: first * 1000, baseline: bare * 1000, baselineLabel: 'readline + JSON.parse', target: '≤ 2.0×', maxRatio: 2.0 });
result({ bench: 'ingest', what: 'chat ingest, CPU time (user + system)', lore: bestCpu('first') * 1000, baseline: bestCpu('bare') * 1000, baselineLabel: 'readline + JSON.parse', target: '(information)', maxRatio: Infinity });
console.log(`re-ingest of unchanged files: ${(again * 1000).toFixed(0)} ms = ${((again / first) * 100).toFixed(2)}% of the first ingest  (target ≤ 5%)`);

// 4. Whole processes, as a user runs `lore ingest`: start-up, the database's creation and the read
// thread's start count too. The bare pass is a script of its own, started the same way.
const cli = resolve('dist/cli.cjs');
if (existsSync(cli)) {
  const bareScript = join(work, 'bare.mjs');
  writeFileSync(bareScript, `import { createReadStream, readdirSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
let lines = 0;
for (const f of readdirSync(process.argv[2]).sort()) {
  const rl = createInterface({ input: createReadStream(join(process.argv[2], f)), crlfDelay: Infinity });
  for await (const line of rl) if (line) { JSON.parse(line); lines++; }
}
console.log(lines);
`);
  const wall = (args, env) => {
    const t = performance.now();
    const r = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr}`);
    return performance.now() - t;
  };
  const home = join(work, 'home');
  mkdirSync(home, { recursive: true });
  const loreMs = [];
  const bareMs = [];
  for (let i = 0; i < Number(process.env.BENCH_PROCESS_RUNS || 5); i++) {
    const loreHome = join(work, `process-lore-${i}`);
    loreMs.push(wall([cli, 'ingest', '--source', 'claude-code', '-q'], { ...process.env, HOME: home, LORE_HOME: loreHome, CLAUDE_CONFIG_DIR: join(work, 'claude') }));
    rmSync(loreHome, { recursive: true, force: true });
    bareMs.push(wall([bareScript, projects], process.env));
  }
  const med = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  console.log(`whole process: lore ingest ${loreMs.map((x) => (x / 1000).toFixed(2)).join(' ')} s; bare pass ${bareMs.map((x) => (x / 1000).toFixed(2)).join(' ')} s`);
  result({ bench: 'ingest', what: `chat ingest, whole process (lore ingest, ${(bytes / MB).toFixed(0)} MB)`, lore: med(loreMs), baseline: med(bareMs), baselineLabel: 'node + readline + JSON.parse', target: '≤ 2.0×', maxRatio: 2.0 });
} else console.log('whole process: skipped (no dist/cli.cjs: npm run build)');

if (!process.env.BENCH_SKIP_BIG) {
  // One big transcript: replays of the fixtures appended into a single session file.
  const bigTarget = Number(process.env.BENCH_BIG_MB || 500) * MB;
  const bigDir = join(work, 'big', 'projects', '-big');
  mkdirSync(bigDir, { recursive: true });
  const big = join(bigDir, 'bbbbbbbb-0000-4000-a000-000000000000.jsonl');
  const out = createWriteStream(big);
  const texts = fixtureFiles().map((f) => execFileSync('cat', [f], { encoding: 'utf8', maxBuffer: 1 << 28 }));
  let written = 0;
  for (let copy = 0; written < bigTarget; copy++) {
    const text = replay(texts[copy % texts.length], `big${copy}`);
    written += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  const child = JSON.parse(execFileSync(process.execPath, [new URL(import.meta.url).pathname, '--child-big', join(work, 'big.db'), big], { encoding: 'utf8', maxBuffer: 1 << 20 }).trim().split('\n').pop());
  console.log(`one ${(written / MB).toFixed(0)} MB transcript: peak RSS ${child.maxRssMB.toFixed(0)} MB (target ≤ 250 MB), ${child.seconds.toFixed(1)} s, ${child.messages} messages, ${child.edits} edits`);
}
rmSync(work, { recursive: true, force: true });
