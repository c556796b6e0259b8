import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bigRepo } from '../helpers/big-repo.js';
import { CLI, runCli } from '../helpers/cli.js';
import { integrity, tableRows, type Rows } from '../helpers/db-rows.js';
import { git } from '../helpers/git-repo.js';
import { rng } from '../helpers/secrets.js';

// SIGKILL lore at random points, re-run it, and require exactly the database an uninterrupted run
// makes: every row of every table (not counts), PRAGMA integrity_check ok, FTS consistent.
// LORE_SLOW=1 (CI) runs the full trial counts on a 3000-commit history; the default is a short
// version of each so `npm test` stays quick. Each test prints its tally with LORE_REPORT=1.
const SLOW = process.env.LORE_SLOW === '1';
const WORKER = resolve('dist/hook-worker.js');
const FIXTURES = resolve('../shared/fixtures/real');

interface Tally {
  trials: number;
  killed: number;
  finishedFirst: number;
}

const home = () => mkdtempSync(join(tmpdir(), 'lore-crash-home-'));

/** Starts `node <args>`, kills it with SIGKILL after `ms`; resolves with how it ended. */
function runAndKill(args: string[], cwd: string, env: Record<string, string>, ms: number): Promise<{ killed: boolean; code: number | null }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, args, { cwd, env: { ...process.env, ...env }, stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      done({ killed: signal === 'SIGKILL', code });
    });
  });
}

function timed<T>(fn: () => T): { value: T; ms: number } {
  const t = performance.now();
  const value = fn();
  return { value, ms: performance.now() - t };
}

function rowsOf(dbPath: string, since: number): Rows {
  return tableRows(dbPath, { since, dropColumns: { '*': ['mtime_ms'] } });
}

function expectHealthy(dbPath: string): void {
  expect(integrity(dbPath)).toMatchObject({ integrity: ['ok'], foreignKeys: 0, fts: [] });
}

/**
 * The trial loop: a reference run, then `trials` runs killed at a random moment within the
 * reference's duration, each followed by a complete run, compared with the reference.
 */
async function crashTrials(options: {
  trials: number;
  seed: number;
  setup: (homeDir: string) => { args: string[]; cwd: string; env: Record<string, string>; dbPath: string };
  finish: (homeDir: string) => void;
}): Promise<Tally> {
  const r = rng(options.seed);
  const since = Date.now();
  const refHome = home();
  const refRun = options.setup(refHome);
  // The reference: the same command, uninterrupted, then the same completing run.
  const ref = timed(() => spawnSync(process.execPath, refRun.args, { cwd: refRun.cwd, env: { ...process.env, ...refRun.env }, stdio: 'ignore' }));
  expect(ref.value.status).toBe(0);
  options.finish(refHome);
  const reference = rowsOf(refRun.dbPath, since);
  expect(Object.values(reference).reduce((a, rows) => a + rows.length, 0)).toBeGreaterThan(0);
  const tally: Tally = { trials: 0, killed: 0, finishedFirst: 0 };
  for (let i = 0; i < options.trials; i++) {
    const trialHome = home();
    const run = options.setup(trialHome);
    // Node starts in ~100 ms; spread the kills over the whole run, start-up included.
    const delay = 20 + r() * Math.max(200, ref.ms * 0.85);
    const outcome = await runAndKill(run.args, run.cwd, run.env, delay);
    tally.trials++;
    if (outcome.killed) tally.killed++;
    else tally.finishedFirst++;
    options.finish(trialHome);
    expect({ trial: i, delay: Math.round(delay), rows: rowsOf(run.dbPath, since) }).toEqual({ trial: i, delay: Math.round(delay), rows: reference });
    expectHealthy(run.dbPath);
  }
  if (process.env.LORE_REPORT) console.log(JSON.stringify({ seed: options.seed, ...tally }));
  // Most kills must land while lore is at work, or the test proves little.
  expect(tally.killed).toBeGreaterThanOrEqual(Math.max(1, Math.floor(options.trials / 2)));
  return tally;
}

describe('crash safety', () => {
  const repo = bigRepo(SLOW ? 3000 : 400);

  it(`survives SIGKILL of the backfill (lore index) at random points`, { timeout: 20 * 60_000 }, async () => {
    await crashTrials({
      trials: SLOW ? 22 : 3,
      seed: 11,
      setup: (h) => ({ args: [CLI, 'index', '--wait', '-q'], cwd: repo, env: { LORE_HOME: h }, dbPath: join(h, 'lore.db') }),
      finish: (h) => {
        const done = runCli(['index', '--wait', '-q'], { cwd: repo, env: { LORE_HOME: h }, timeoutMs: 300_000 });
        expect(done.stderr).toBe('');
        expect(done.code).toBe(0);
      },
    });
  });

  it('survives SIGKILL of the hook worker at random points', { timeout: 20 * 60_000 }, async () => {
    // The queue the hooks would have written for the last 40 commits.
    const shas = git(repo, ['rev-list', '-n', '40', 'HEAD']).trim().split('\n').reverse();
    mkdirSync(join(repo, '.git', 'lore'), { recursive: true });
    writeFileSync(join(repo, '.git', 'lore', 'queue'), shas.map((s) => `commit ${s}\n`).join(''));
    const worker = (h: string) => [WORKER, repo, join(h, 'lore.db')];
    await crashTrials({
      trials: SLOW ? 16 : 2,
      seed: 12,
      setup: (h) => ({ args: worker(h), cwd: repo, env: { LORE_HOME: h }, dbPath: join(h, 'lore.db') }),
      finish: (h) => {
        const done = runCli(['index', '--wait', '-q'], { cwd: repo, env: { LORE_HOME: h }, timeoutMs: 300_000 });
        expect(done.code).toBe(0);
      },
    });
  });

  it('survives SIGKILL of the chat ingest at random points', { timeout: 20 * 60_000 }, async () => {
    const transcripts = mkdtempSync(join(tmpdir(), 'lore-crash-transcripts-'));
    cpSync(FIXTURES, transcripts, { recursive: true });
    await crashTrials({
      trials: SLOW ? 16 : 2,
      seed: 13,
      setup: (h) => ({ args: [CLI, 'ingest', '-q', transcripts], cwd: repo, env: { LORE_HOME: h }, dbPath: join(h, 'lore.db') }),
      finish: (h) => {
        const done = runCli(['ingest', '-q', transcripts], { cwd: repo, env: { LORE_HOME: h }, timeoutMs: 300_000 });
        expect(done.code).toBe(0);
      },
    });
  });
});
