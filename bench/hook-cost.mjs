// Hook cost (issue 2): median wall time of `git commit` with lore's hooks installed vs the same
// repository setup with a no-op `exit 0` hook in the same three places, 50 commits each,
// interleaved (A B, B A, ...). Between commits both sides wait for lore's detached worker to
// finish, so each commit is timed on an idle machine: what is measured is what the committer
// waits for. Target: ≤ 1.5× and under 5 ms added at the median.
// Run: npm run build && node bench/hook-cost.mjs   (LORE_BENCH_COMMITS=N to change the count)
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CLI, header, median, result, timed, waitForWorker } from './lib/measure.mjs';

const N = Number(process.env.LORE_BENCH_COMMITS ?? 50);
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
  return { dir, git };
}

header(`hook cost: ${N} commits each, interleaved`);
const lore = repo('with-lore');
execFileSync(process.execPath, [CLI, 'hook', 'install'], { cwd: lore.dir, env, stdio: 'pipe' });
execFileSync(process.execPath, [CLI, 'index', '-q'], { cwd: lore.dir, env, stdio: 'pipe' });
const noop = repo('with-noop');
for (const h of ['post-commit', 'post-merge', 'post-rewrite']) writeFileSync(`${noop.dir}/.git/hooks/${h}`, '#!/bin/sh\nexit 0\n', { mode: 0o755 });

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
console.log(`lore's worker indexed ${total} of ${N + 6} commits in the background (checked after the run)`);
console.log(`git commit p90: lore ${median(times.lore.slice().sort((a, b) => a - b).slice(Math.floor(N * 0.8)))} ms-ish tail, no-op ${median(times.noop.slice().sort((a, b) => a - b).slice(Math.floor(N * 0.8)))} ms-ish tail`);
const ok = result({
  bench: 'hook-cost',
  what: 'git commit, median',
  lore: median(times.lore),
  baseline: median(times.noop),
  baselineLabel: 'no-op hook',
  target: '≤ 1.5× and < 5 ms added',
  maxRatio: 1.5,
  maxAddedMs: 5,
});
if (total !== N + 6) {
  console.log(`lore indexed ${total} commits, expected ${N + 6}`);
  process.exitCode = 1;
}
void ok;
