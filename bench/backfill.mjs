// Backfill (issue 2): `lore index` (whole process, fresh database) on a generated repository of
// 10,000 commits vs `git log --name-status -z > /dev/null` on it. Target ≤ 2.5×.
// The repository is made with git fast-import and cached in .bench-tmp/repo-10000.
//
// What `lore index` does, and why: it logs with `--raw -M` (the cost of --name-status) and stores
// commits and files; per-file line counts (--numstat: every blob diffed, 3× the log, two batches
// at once), patch-ids (`git log -p | git patch-id`, 4× the log, but only for commits a rebase can
// still rewrite: here, without a remote and with old dates, none) and the commit messages' full-text rows are
// the "enrich" pass, which after a large backfill runs in the detached worker (`lore index --wait`
// runs it in the foreground; measured below too). So do a first import graph of over 200 files
// (it loads the TypeScript compiler) and a backlog of over 2,000 search vectors: the "lore index"
// figure ends when the commits are stored, the worker's time is printed beside it, and
// "lore index --wait" does everything in the foreground. The component lines show what each costs.
// Issue 17's rows: `lore index --wait` (everything in the foreground) against
// `git log --numstat -z` (target ≤ 1.5×), and `lore init` until nothing waits in the background
// (its worker done) against the same (target ≤ 2×). On the generated repository the second is
// `lore index` plus its background worker; on real checkouts (LORE_BENCH_REPO=<checkout>[:...],
// e.g. clones of vite, prettier, git/git) both are measured as a user runs them, interleaved with
// the baseline, each run on a fresh database and HOME (LORE_BENCH_REPO_RUNS rounds, default 3).
// Run: npm run build && node bench/backfill.mjs   (LORE_BENCH_BACKFILL=N commits)
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { delimiter, resolve } from 'node:path';
import { cachedRepo } from './lib/gen-repo.mjs';
import { CLI, header, median, ms, result, timed, waitForWorker } from './lib/measure.mjs';

const N = Number(process.env.LORE_BENCH_BACKFILL ?? 10_000);
const RUNS = Number(process.env.LORE_BENCH_RUNS ?? 5);
mkdirSync(resolve('.bench-tmp'), { recursive: true });
const homes = resolve('.bench-tmp/backfill-homes');
rmSync(homes, { recursive: true, force: true });
// lore's code cache (XDG_CACHE_HOME, docs/start-up.md) is kept across the runs, as on a user's
// machine; never the user's own ~/.cache.
const cacheHome = resolve('.bench-tmp/backfill-cache');
rmSync(cacheHome, { recursive: true, force: true });
const samples = (n, f) => median(Array.from({ length: n }, f));

// CPU time (user + sys) of the children this process has waited for, in ms (Linux: /proc, 10 ms
// ticks): unlike wall time it hardly moves with the machine's load. Detached workers are not
// waited for, so the background pass is not in it.
const childCpu = () => {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    return (Number(fields[13]) + Number(fields[14])) * 10; // cutime, cstime (fields 16, 17)
  } catch {
    return NaN;
  }
};
const withCpu = (f) => {
  const c0 = childCpu();
  const r = f();
  return { ...r, cpu: childCpu() - c0 };
};

// The generated repository (skipped with LORE_BENCH_BACKFILL=0, to measure real checkouts only).
async function generated() {
  const { dir, cached } = await cachedRepo(resolve('.bench-tmp'), N);
  header(`backfill: ${N} commits (${cached ? 'cached' : 'generated'} repository ${dir}), median of ${RUNS}`);

  const git = (args) => timed('git', args, { cwd: dir }).ms;

  const numstat = samples(3, () => git(['log', '--numstat', '-z']));
  const baseRuns = Array.from({ length: RUNS }, () => withCpu(() => ({ ms: git(['log', '--name-status', '-z']) })));
  const baseline = median(baseRuns.map((r) => r.ms));
  const baselineCpu = median(baseRuns.map((r) => r.cpu));
  console.log(`  git log --name-status -z            ${ms(baseline)} (CPU ${ms(baselineCpu)})`);
  console.log(`  git log --numstat -z                 ${ms(numstat)}`);
  console.log(`  git log --raw -M (what lore reads)   ${ms(samples(3, () => git(['log', '-z', '--raw', '-M', '--no-abbrev', '--topo-order', '--reverse'])))}`);
  console.log(`  git log --raw --numstat (+ line counts) ${ms(samples(3, () => git(['log', '-z', '--raw', '--numstat', '-M', '--no-abbrev'])))}`);
  const patchIds = samples(3, () => {
    const t0 = process.hrtime.bigint();
    execFileSync('sh', ['-c', 'git log -p --format="commit %H" | git patch-id --stable > /dev/null'], { cwd: dir });
    return Number(process.hrtime.bigint() - t0) / 1e6;
  });
  console.log(`  git log -p | git patch-id --stable   ${ms(patchIds)}`);

  // The code cache is warmed by a run that is not counted.
  async function loreIndex(extra) {
    rmSync(`${dir}/.git/lore/objects`, { recursive: true, force: true });
    const home = mkdtempSync(`${homes}-`);
    const env = { ...process.env, LORE_HOME: home, XDG_CACHE_HOME: cacheHome };
    const t = withCpu(() => timed(process.execPath, [CLI, 'index', '--json', ...extra], { cwd: dir, env, keepOutput: true }));
    const out = JSON.parse(t.stdout);
    if (out.commitsAdded !== N) throw new Error(`lore index added ${out.commitsAdded} commits, expected ${N}`);
    // The background pass must not overlap the next measurement.
    const t0 = Date.now();
    await waitForWorker(`${dir}/.git`, { appearMs: out.inBackground ? 3000 : 0 });
    rmSync(home, { recursive: true, force: true });
    return { ms: t.ms, cpu: t.cpu, background: out.inBackground ? Date.now() - t0 : 0, stages: out.ms };
  }
  // Median of each stage's wall time (lore index --json `ms`): where the time goes.
  const stageLine = (runs) => {
    const keys = Object.keys(runs[0].stages ?? {});
    return keys.map((k) => `${k} ${Math.round(median(runs.map((r) => r.stages[k])))}`).join(', ');
  };
  await loreIndex([]);
  const fast = [];
  for (let i = 0; i < RUNS; i++) fast.push(await loreIndex([]));
  const full = [];
  for (let i = 0; i < 3; i++) full.push(await loreIndex(['--wait']));
  const cpuNote = (runs) => `CPU ${ms(median(runs.map((r) => r.cpu)))}, ${(median(runs.map((r) => r.cpu)) / baselineCpu).toFixed(2)}× git's`;
  console.log(`  lore index                           ${ms(median(fast.map((r) => r.ms)))} (${cpuNote(fast)}; then ~${ms(median(fast.map((r) => r.background)))} more in the background worker)`);
  console.log(`    stages (ms, median): ${stageLine(fast)}`);
  console.log(`  lore index --wait                    ${ms(median(full.map((r) => r.ms)))} (${cpuNote(full)})`);
  console.log(`    stages (ms, median): ${stageLine(full)}`);
  result({
    bench: 'backfill',
    what: `lore index, ${N} commits`,
    lore: median(fast.map((r) => r.ms)),
    baseline,
    baselineLabel: 'git log --name-status',
    target: '≤ 2.5×',
    maxRatio: 2.5,
  });
  const untilIdle = median(fast.map((r) => r.ms + r.background));
  console.log(`  lore index, until the worker is done ${ms(untilIdle)} (${(untilIdle / numstat).toFixed(2)}× git log --numstat)`);
  result({
    bench: 'backfill',
    what: `lore index --wait, ${N} commits (line counts, patch-ids, FTS, import graph, vectors too)`,
    lore: median(full.map((r) => r.ms)),
    baseline: numstat,
    baselineLabel: 'git log --numstat -z',
    target: '≤ 1.5× (issue 17)',
    maxRatio: 1.5,
  });
  rmSync(homes, { recursive: true, force: true });
}
if (N > 0) await generated();

// Real checkouts: `lore index --wait` and `lore init` until idle, against `git log --numstat -z`.
const reals = (process.env.LORE_BENCH_REPO ?? '').split(delimiter).filter(Boolean);
const REAL_RUNS = Number(process.env.LORE_BENCH_REPO_RUNS ?? 3);
const load = () => loadavg()[0].toFixed(1);
for (const real of reals) {
  const commits = Number(execFileSync('git', ['rev-list', '--count', 'HEAD'], { cwd: real, encoding: 'utf8' }).trim());
  header(`backfill: ${real} (${commits} commits), ${REAL_RUNS} interleaved rounds`);
  const fresh = () => {
    // A first index, as a user's: without the commit-graph an earlier run left in the repository.
    rmSync(`${real}/.git/lore/objects`, { recursive: true, force: true });
    const home = mkdtempSync(`${homes}-`);
    return { home, env: { ...process.env, HOME: home, LORE_HOME: home, XDG_CACHE_HOME: cacheHome } };
  };
  const rounds = [];
  for (let i = 0; i < REAL_RUNS; i++) {
    const round = { load: [load()] };
    round.numstat = withCpu(() => timed('git', ['log', '--numstat', '-z'], { cwd: real }));
    {
      const { home, env } = fresh();
      const t = withCpu(() => timed(process.execPath, [CLI, 'index', '--wait', '--json'], { cwd: real, env, keepOutput: true }));
      const out = JSON.parse(t.stdout);
      if (out.commitsAdded !== commits) throw new Error(`lore index --wait added ${out.commitsAdded} commits, expected ${commits}`);
      round.wait = { ms: t.ms, cpu: t.cpu, stages: out.ms };
      rmSync(home, { recursive: true, force: true });
    }
    round.load.push(load());
    {
      const { home, env } = fresh();
      const t0 = process.hrtime.bigint();
      const t = withCpu(() => timed(process.execPath, [CLI, 'init', '--no-hooks', '--json'], { cwd: real, env, keepOutput: true }));
      await waitForWorker(`${real}/.git`, { appearMs: 3000, timeoutMs: 3_600_000 });
      round.init = { ms: Number(process.hrtime.bigint() - t0) / 1e6, foreground: t.ms, cpu: t.cpu };
      rmSync(home, { recursive: true, force: true });
    }
    round.load.push(load());
    console.log(
      `  round ${i + 1} (load ${round.load.join(' → ')}): git log --numstat ${ms(round.numstat.ms)} (CPU ${ms(round.numstat.cpu)}); ` +
        `lore index --wait ${ms(round.wait.ms)} (CPU ${ms(round.wait.cpu)}); lore init ${ms(round.init.foreground)}, idle after ${ms(round.init.ms)}`,
    );
    console.log(`    index --wait stages (ms): ${Object.entries(round.wait.stages).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    rounds.push(round);
  }
  const m = (f) => median(rounds.map(f));
  const base = m((r) => r.numstat.ms);
  result({ bench: 'backfill', what: `lore index --wait, ${real}`, lore: m((r) => r.wait.ms), baseline: base, baselineLabel: 'git log --numstat -z', target: '≤ 1.5× (issue 17)', maxRatio: 1.5 });
  result({ bench: 'backfill', what: `lore init until idle, ${real}`, lore: m((r) => r.init.ms), baseline: base, baselineLabel: 'git log --numstat -z', target: '≤ 2× (issue 17)', maxRatio: 2 });
}
rmSync(homes, { recursive: true, force: true });
rmSync(cacheHome, { recursive: true, force: true });
