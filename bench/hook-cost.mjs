// Hook cost (issue 2): median wall time of `git commit` with lore's hooks installed vs the same
// repository setup with a no-op `exit 0` hook in the same three places, 50 commits each,
// interleaved (A B, B A, ...). Between commits both sides wait for lore's detached worker to
// finish, so each commit is timed on an idle machine: what is measured is what the committer
// waits for. Target: ≤ 1.5× and under 5 ms added at the median.
// Run: npm run build && node bench/hook-cost.mjs   (LORE_BENCH_COMMITS=N to change the count)
// LORE_BENCH_HOOKS=husky9: both repositories use husky 9 with a user .husky/post-commit, lore's
// hooks chain husky's; the baseline is husky alone. LORE_BENCH_HOOKS=husky8: both use husky 8
// (tracked .husky/), and lore's side adds the one line `lore hook install` names.
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CLI, header, median, result, timed, waitForWorker } from './lib/measure.mjs';

const N = Number(process.env.LORE_BENCH_COMMITS ?? 50);
const SETUP = process.env.LORE_BENCH_HOOKS ?? 'plain';
const root = resolve('.bench-tmp/hook-cost');
rmSync(root, { recursive: true, force: true });
const env = { ...process.env, LORE_HOME: `${root}/lore-home`, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };
delete env.LORE;

function repo(name) {
  const dir = `${root}/${name}`;
  mkdirSync(dir, { recursive: true });
  const git = (...args) => execFileSync('git', args, { cwd: dir, env, stdio: 'pipe' });
  git('init', '-q', '-b', 'main');
  git('config', 'user.name', 'Bench');
  git('config', 'user.email', 'bench@example.com');
  git('config', 'commit.gpgsign', 'false');
  writeFileSync(`${dir}/file.txt`, 'start\n');
  git('add', 'file.txt');
  git('commit', '-q', '-m', 'start');
  if (SETUP === 'husky9') {
    execFileSync(process.execPath, [resolve('node_modules/husky/bin.js')], { cwd: dir, env, stdio: 'pipe' });
    writeFileSync(`${dir}/.husky/post-commit`, 'true\n');
  } else if (SETUP === 'husky8') {
    execFileSync(process.execPath, [resolve('node_modules/husky8/lib/bin.js'), 'install'], { cwd: dir, env, stdio: 'pipe' });
    execFileSync(process.execPath, [resolve('node_modules/husky8/lib/bin.js'), 'add', '.husky/post-commit', 'true'], { cwd: dir, env, stdio: 'pipe' });
    git('add', '.husky');
    git('commit', '-q', '--no-verify', '-m', 'team hooks');
  }
  return { dir, git };
}

header(`hook cost${SETUP === 'plain' ? '' : ` (${SETUP})`}: ${N} commits each, interleaved`);
const lore = repo('with-lore');
const installed = JSON.parse(execFileSync(process.execPath, [CLI, 'hook', 'install', '--json'], { cwd: lore.dir, env, encoding: 'utf8' }));
if (SETUP === 'husky8') appendFileSync(`${lore.dir}/.husky/post-commit`, `${installed.hooks[0].line}\n`);
execFileSync(process.execPath, [CLI, 'index', '-q'], { cwd: lore.dir, env, stdio: 'pipe' });
const noop = repo('with-noop');
if (SETUP === 'plain') for (const h of ['post-commit', 'post-merge', 'post-rewrite']) writeFileSync(`${noop.dir}/.git/hooks/${h}`, '#!/bin/sh\nexit 0\n', { mode: 0o755 });

const times = { lore: [], noop: [] };
async function commitOnce(side, i, record) {
  const r = side === 'lore' ? lore : noop;
  writeFileSync(`${r.dir}/file.txt`, `change ${i}\n`);
  r.git('add', 'file.txt');
  const { ms } = timed('git', ['commit', '-q', '-m', `change ${i}`], { cwd: r.dir, env });
  if (record) times[side].push(ms);
  await waitForWorker(`${r.dir}/.git`, { appearMs: side === 'lore' ? 1500 : 0 });
}
for (let i = 0; i < 5; i++) for (const side of ['lore', 'noop']) await commitOnce(side, `warm-${i}`, false);
for (let i = 0; i < N; i++) for (const side of i % 2 ? ['noop', 'lore'] : ['lore', 'noop']) await commitOnce(side, i, true);

const indexed = execFileSync(process.execPath, [CLI, 'index', '--json'], { cwd: lore.dir, env, encoding: 'utf8' });
const total = JSON.parse(indexed).commitsTotal;
const expected = N + 6 + (SETUP === 'husky8' ? 1 : 0);
console.log(`lore's worker indexed ${total} of ${expected} commits in the background (checked after the run)`);
console.log(`git commit p90: lore ${median(times.lore.slice().sort((a, b) => a - b).slice(Math.floor(N * 0.8)))} ms-ish tail, no-op ${median(times.noop.slice().sort((a, b) => a - b).slice(Math.floor(N * 0.8)))} ms-ish tail`);
const ok = result({
  bench: SETUP === 'plain' ? 'hook-cost' : `hook-cost-${SETUP}`,
  what: 'git commit, median',
  lore: median(times.lore),
  baseline: median(times.noop),
  baselineLabel: SETUP === 'plain' ? 'no-op hook' : `${SETUP} alone`,
  target: '≤ 1.5× and < 5 ms added',
  maxRatio: 1.5,
  maxAddedMs: 5,
});
if (total !== expected) {
  console.log(`lore indexed ${total} commits, expected ${expected}`);
  process.exitCode = 1;
}
void ok;
