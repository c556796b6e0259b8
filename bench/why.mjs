// `lore why FILE` (issue 2): the whole process, on an already indexed 10,000-commit repository,
// vs `git log --follow --name-status -- FILE` on the same file (edited ~1,000 times, renamed
// twice). Target: lore is faster (ratio < 1). Uses the repository cached by bench/backfill.mjs.
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
const env = { ...process.env, LORE_HOME: home };
timed(process.execPath, [CLI, 'index', '--wait', '-q'], { cwd: dir, env });
await waitForWorker(`${dir}/.git`, { appearMs: 0 });

const check = timed(process.execPath, [CLI, 'why', file, '--json'], { cwd: dir, env, keepOutput: true });
const answer = JSON.parse(check.stdout);
const gitCount = timed('git', ['log', '--follow', '--format=%H', '--', file], { cwd: dir, keepOutput: true }).stdout.trim().split('\n').length;
console.log(`  lore why finds ${answer.total} commits, origin ${answer.origin?.path}; git log --follow finds ${gitCount}`);

const lore = [];
const git = [];
for (let i = 0; i < RUNS; i++) {
  git.push(timed('git', ['log', '--follow', '--name-status', '--', file], { cwd: dir }).ms);
  lore.push(timed(process.execPath, [CLI, 'why', file], { cwd: dir, env }).ms);
}
console.log(`  lore why FILE:LINE                   ${ms(median(Array.from({ length: 5 }, () => timed(process.execPath, [CLI, 'why', `${file}:1`], { cwd: dir, env }).ms)))}`);
console.log(`  node -e '' (process start floor)     ${ms(median(Array.from({ length: 5 }, () => timed(process.execPath, ['-e', '']).ms)))}`);
result({ bench: 'why', what: 'lore why FILE (whole process)', lore: median(lore), baseline: median(git), baselineLabel: 'git log --follow --name-status', target: '< 1×', maxRatio: 0.999 });
rmSync(home, { recursive: true, force: true });
