// Timing helpers shared by the foundation benchmarks: wall time of whole processes, medians,
// and one machine-readable result line per figure that bench/run.mjs gathers into its summary.
import { spawnSync } from 'node:child_process';
import { existsSync, openSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';

// LORE_BENCH_CLI: another build's cli.js (an older checkout's dist), to measure before and after.
export const CLI = resolve(process.env.LORE_BENCH_CLI ?? 'dist/cli.cjs');
const devNull = openSync('/dev/null', 'w');

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Runs a command to completion (stdout to /dev/null unless `keepOutput`) and returns its wall time in ms. */
export function timed(cmd, args, { cwd, env, keepOutput = false, input } = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd, env: env ?? process.env, stdio: [input === undefined ? 'ignore' : 'pipe', keepOutput ? 'pipe' : devNull, 'pipe'], input, encoding: 'utf8', maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { ms, stdout: r.stdout };
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits until lore's detached worker for `gitDir` is done: its lock file has come and gone, or
 * has not appeared within `appearMs` (the worker found nothing to do, or exited at once).
 */
export async function waitForWorker(gitDir, { appearMs = 1500, timeoutMs = 120_000 } = {}) {
  const lock = `${gitDir}/lore/worker.lock`;
  const start = Date.now();
  let seen = false;
  while (Date.now() - start < timeoutMs) {
    const held = existsSync(lock);
    if (held) seen = true;
    else if (seen || Date.now() - start > appearMs) return;
    await sleep(20);
  }
  throw new Error(`lore worker still running after ${timeoutMs} ms`);
}

export function ms(x) {
  return `${x.toFixed(1)} ms`;
}

/**
 * Prints one figure: lore vs its baseline, the ratio and whether it meets the target, plus a
 * `##result {json}` line for the summary table of bench/run.mjs.
 */
export function result({ bench, what, lore, baseline, baselineLabel, target, maxRatio = Infinity, maxAddedMs, orMaxAddedMs, maxMs }) {
  const ratio = lore / baseline;
  // orMaxAddedMs: the target is met within the ratio OR within that many ms of the baseline.
  // maxMs: a target in absolute time (the baseline is shown for scale).
  const ok =
    ((ratio <= maxRatio && (maxAddedMs === undefined || lore - baseline < maxAddedMs)) || (orMaxAddedMs !== undefined && lore - baseline <= orMaxAddedMs)) &&
    (maxMs === undefined || lore <= maxMs);
  console.log(
    `${what}: lore ${ms(lore)} vs ${baselineLabel} ${ms(baseline)} → ${ratio.toFixed(2)}×` +
      `${maxAddedMs !== undefined || orMaxAddedMs !== undefined ? `, +${ms(lore - baseline)}` : ''} (target ${target}: ${ok ? 'met' : 'MISSED'})`,
  );
  console.log(`##result ${JSON.stringify({ bench, what, lore, baseline, baselineLabel, ratio, target, ok, load: loadavg()[0] })}`);
  return ok;
}

export function header(title) {
  console.log(`${title} (load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}, ${new Date().toISOString()})`);
}

/**
 * Prints one quality figure (a precision, a recall, a count) against its target (if it has one), plus a
 * `##result {json}` line (`kind: 'quality'`) that bench/run.mjs lists apart from the timings.
 */
export function quality({ bench, what, value, target = null, ok = null, integer = false }) {
  const shown = integer ? String(value) : value.toFixed(3);
  console.log(`${what}: ${shown}${target === null ? '' : ` (target ${target}: ${ok ? 'met' : 'MISSED'})`}`);
  console.log(`##result ${JSON.stringify({ kind: 'quality', bench, what, value, shown, target, ok, load: loadavg()[0] })}`);
  return ok;
}

/**
 * The environment of a lore process that must not see this machine's own data: HOME, LORE_HOME,
 * the XDG folders and the AI tools' folders all under `home`, and git without global config.
 */
export function isolatedEnv(home, extra = {}) {
  return {
    ...process.env,
    HOME: home,
    LORE_HOME: join(home, '.lore'),
    XDG_DATA_HOME: join(home, '.local/share'),
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_STATE_HOME: join(home, '.local/state'),
    XDG_CACHE_HOME: join(home, '.cache'),
    CLAUDE_CONFIG_DIR: join(home, '.claude'),
    CODEX_HOME: join(home, '.codex'),
    GEMINI_CLI_HOME: home,
    GIT_CONFIG_GLOBAL: join(home, '.gitconfig'),
    GIT_CONFIG_NOSYSTEM: '1',
    NO_COLOR: '1',
    ...extra,
  };
}
