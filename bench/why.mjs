// `lore why FILE` (issue 2): the whole process, on an already indexed 10,000-commit repository,
// vs `git log --follow --name-status -- FILE` on the same file (edited ~1,000 times, renamed
// twice). Target: lore is faster (ratio < 1). Uses the repository cached by bench/backfill.mjs.
// A real repository too, when given: LORE_BENCH_REPO=<checkout> [LORE_BENCH_WHY_FILE=<path>]
// (default file: the tracked TS/JS file with the most commits).
// Run: npm run build && node bench/why.mjs
import { mkdtempSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { cachedRepo } from './lib/gen-repo.mjs';
import { CLI, header, median, ms, result, timed, waitForWorker } from './lib/measure.mjs';

const N = Number(process.env.LORE_BENCH_BACKFILL ?? 10_000);
const RUNS = Number(process.env.LORE_BENCH_RUNS ?? 11);
const { dir, file } = await cachedRepo(resolve('.bench-tmp'), N);
header(`why: ${file} in ${dir}, median of ${RUNS}, interleaved`);
const home = mkdtempSync(resolve('.bench-tmp/why-home-'));
// lore why's code cache too (XDG_CACHE_HOME), warmed by the first run below, as on a user's machine.
const env = { ...process.env, LORE_HOME: home, XDG_CACHE_HOME: `${home}/cache` };
timed(process.execPath, [CLI, 'index', '--wait', '-q'], { cwd: dir, env });
await waitForWorker(`${dir}/.git`, { appearMs: 0 });

const check = timed(process.execPath, [CLI, 'why', file, '--json'], { cwd: dir, env, keepOutput: true });
const answer = JSON.parse(check.stdout);
const gitCount = timed('git', ['log', '--follow', '--format=%H', '--', file], { cwd: dir, keepOutput: true }).stdout.trim().split('\n').length;
console.log(`  lore why finds ${answer.total} commits, origin ${answer.origin?.path}; git log --follow finds ${gitCount}`);

function compare(dir, file, env) {
  const lore = [];
  const git = [];
  for (let i = 0; i < RUNS; i++) {
    git.push(timed('git', ['log', '--follow', '--name-status', '--', file], { cwd: dir }).ms);
    lore.push(timed(process.execPath, [CLI, 'why', file], { cwd: dir, env }).ms);
  }
  return { lore: median(lore), git: median(git) };
}

const synthetic = compare(dir, file, env);
console.log(`  lore why FILE:LINE                   ${ms(median(Array.from({ length: 5 }, () => timed(process.execPath, [CLI, 'why', `${file}:1`], { cwd: dir, env }).ms)))}`);
console.log(`  node -e '' (process start floor)     ${ms(median(Array.from({ length: 5 }, () => timed(process.execPath, ['-e', '']).ms)))}`);
result({ bench: 'why', what: 'lore why FILE (whole process)', lore: synthetic.lore, baseline: synthetic.git, baselineLabel: 'git log --follow --name-status', target: '< 1×', maxRatio: 0.999 });

const real = process.env.LORE_BENCH_REPO;
if (real) {
  const realFile = process.env.LORE_BENCH_WHY_FILE ?? mostChangedCodeFile(real);
  const realHome = mkdtempSync(resolve('.bench-tmp/why-home-'));
  const realEnv = { ...process.env, LORE_HOME: realHome, XDG_CACHE_HOME: `${realHome}/cache` };
  timed(process.execPath, [CLI, 'index', '--wait', '-q'], { cwd: real, env: realEnv });
  await waitForWorker(`${real}/.git`, { appearMs: 0 });
  const commits = timed('git', ['rev-list', '--count', 'HEAD'], { cwd: real, keepOutput: true }).stdout.trim();
  console.log(`  real repository ${real} (${commits} commits), ${realFile}`);
  const r = compare(real, realFile, realEnv);
  result({ bench: 'why', what: 'lore why FILE, real repository', lore: r.lore, baseline: r.git, baselineLabel: 'git log --follow --name-status', target: '< 1×', maxRatio: 0.999 });
  rmSync(realHome, { recursive: true, force: true });
}
rmSync(home, { recursive: true, force: true });

function mostChangedCodeFile(repo) {
  const tracked = new Set(timed('git', ['ls-files'], { cwd: repo, keepOutput: true }).stdout.split('\n'));
  const counts = new Map();
  for (const f of timed('git', ['log', '--format=', '--name-only'], { cwd: repo, keepOutput: true }).stdout.split('\n')) {
    if (tracked.has(f) && /\.[cm]?[jt]sx?$/.test(f)) counts.set(f, (counts.get(f) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'README.md';
}
