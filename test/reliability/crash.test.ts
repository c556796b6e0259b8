import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { bigRepo } from '../helpers/big-repo.js';
import { CLI, runCli } from '../helpers/cli.js';
import { integrity, tableRows, type Rows } from '../helpers/db-rows.js';
import { git, writeTree } from '../helpers/git-repo.js';
import { random as rng } from '../../bench/lib/random.mjs';
import { REAL_FIXTURES } from '../fixtures/paths.mjs';

// SIGKILL lore at random points, re-run it, and require exactly the database an uninterrupted run
// makes: every row of every table (not counts), PRAGMA integrity_check ok, FTS consistent. The
// same for `lore watch` killed while it works, then restarted (the SIGKILLed watcher's lock must
// not stop the next one).
// LORE_SLOW=1 (CI) runs the full trial counts on a 3000-commit history; the default is a short
// version of each so `npm test` stays quick. Each test prints its tally with LORE_REPORT=1.
const SLOW = process.env.LORE_SLOW === '1';
const WORKER = resolve('dist/hook-worker.js');
const FIXTURES = REAL_FIXTURES;
const execFileAsync = promisify(execFile);

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

// `lore watch` killed while it works: a fixed world (one repository path, one Claude Code config
// dir) rebuilt identically for every run, so the reference and every trial see the same inputs.
describe('crash safety of lore watch', () => {
  const world = realpathSync(mkdtempSync(join(tmpdir(), 'lore-crash-watch-')));
  const repoDir = join(world, 'repo');
  const claude = join(world, 'claude');
  const projects = join(claude, 'projects');
  const feedSeed = 21;
  // Real Claude Code transcripts, each cut at byte offsets (mid-line too) into appended pieces.
  const transcripts = [
    ['-tmp-private', 'codemie-code/-tmp-private/4c2ddfdc-b619-4525-8d03-1950fb1b0257.jsonl'],
    ['-tmp-private', 'codemie-code/-tmp-private/agent-36541525.jsonl'],
    ['-codemie', 'codemie-code/session-3fe1b6bc.jsonl'],
    ['-codemie', 'codemie-code/session-9eda1058.jsonl'],
    ['-git-ai', 'git-ai/claude-code-with-thinking.jsonl'],
    ['-git-ai', 'git-ai/example-claude-code.jsonl'],
  ].map(([dir, rel]) => ({ file: join(projects, dir!, rel!.split('/').pop()!), text: readFileSync(join(FIXTURES, 'claude-code', rel!)) }));
  const PIECES = 6;
  const DEBOUNCE_MS = 10; // shorter than a feed step: many small batches while the feed runs, so kills land in them
  const COMMITS = 14;

  /** The feed: appended transcript pieces and commits made without the hook, in a fixed order. */
  function feedSteps(): (() => void | Promise<void>)[] {
    const r = rng(feedSeed);
    const steps: (() => void | Promise<void>)[] = [];
    const cuts = transcripts.map((t) => [0, ...Array.from({ length: PIECES - 1 }, () => Math.floor(r() * t.text.length)).sort((a, b) => a - b), t.text.length]);
    let c = 0;
    for (let p = 0; p < PIECES; p++) {
      transcripts.forEach((t, i) => {
        steps.push(() => {
          mkdirSync(dirname(t.file), { recursive: true });
          appendFileSync(t.file, t.text.subarray(cuts[i]![p]!, cuts[i]![p + 1]!));
        });
        if ((p * transcripts.length + i) % 2 === 0 && c < COMMITS) {
          const n = c++;
          steps.push(() => fixedCommitAsync({ [`src/f${n}.ts`]: `export const v${n} = ${n};\n` }, `change ${n}`, n + 1));
        }
      });
    }
    return steps;
  }

  const commitEnv = (n: number) => {
    const date = new Date(Date.parse('2026-02-01T00:00:00Z') + n * 60_000).toISOString();
    return { ...process.env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date };
  };
  /** The same commit without blocking the event loop, so the kill timer fires on time during the feed. */
  async function fixedCommitAsync(files: Record<string, string>, message: string, n: number): Promise<void> {
    writeTree(repoDir, files);
    await execFileAsync('git', ['add', '-A'], { cwd: repoDir });
    await execFileAsync('git', ['commit', '-q', '--no-verify', '-m', message], { cwd: repoDir, env: commitEnv(n) });
  }
  function fixedCommit(files: Record<string, string>, message: string, n: number): void {
    writeTree(repoDir, files);
    git(repoDir, ['add', '-A']);
    const date = new Date(Date.parse('2026-02-01T00:00:00Z') + n * 60_000).toISOString();
    git(repoDir, ['commit', '-q', '--no-verify', '-m', message], { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date });
  }

  /** The same repository (same path, same shas) and an empty projects dir; lore knows the repository. */
  function resetWorld(loreHome: string): Record<string, string> {
    rmSync(repoDir, { recursive: true, force: true });
    rmSync(claude, { recursive: true, force: true });
    mkdirSync(repoDir, { recursive: true });
    mkdirSync(projects, { recursive: true });
    git(repoDir, ['init', '-q', '-b', 'main']);
    fixedCommit({ 'README.md': '# demo\n' }, 'initial commit', 0);
    const env = { LORE_HOME: loreHome, CLAUDE_CONFIG_DIR: claude };
    expect(runCli(['index', '-q'], { cwd: repoDir, env }).code).toBe(0);
    return env;
  }

  interface Watch {
    child: ChildProcess;
    out: () => string;
    exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  }
  function startWatch(env: Record<string, string>): Watch {
    const child = spawn(process.execPath, [CLI, 'watch', '--verbose', '--poll', '200', '--debounce', String(DEBOUNCE_MS)], { cwd: repoDir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('exit', (code, signal) => r({ code, signal })));
    return { child, out: () => out, exited };
  }
  const BATCH = /\(\d+ ms; \d+ file\(s\), \d+ repo\(s\); backlog \d+\)/;
  const CHANGE = / (?:transcript|git|learning) changed: /;
  /** Work the watcher has seen but not finished: a change reported after its last batch line. */
  function inFlight(out: string): boolean {
    const lines = out.split('\n');
    const lastBatch = lines.findLastIndex((l) => BATCH.test(l));
    return lines.some((l, i) => i > lastBatch && CHANGE.test(l));
  }
  /** Transcript messages, commits and vectors in a database. */
  function counts(loreHome: string): { message: number; commit: number; vector: number } {
    const db = new Database(join(loreHome, 'lore.db'), { readonly: true });
    try {
      const n = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
      return {
        message: n("SELECT count(*) AS n FROM messages WHERE session_id NOT LIKE 'git:%'"),
        commit: n('SELECT count(*) AS n FROM commits'),
        vector: n('SELECT count(*) AS n FROM vector_items'),
      };
    } finally {
      db.close();
    }
  }
  /** What the finished batches reported against what the database gained: more rows than reported means a batch was cut short after some of its writes (a lower bound on kills mid-batch). */
  function cutMidBatch(out: string, loreHome: string, before: ReturnType<typeof counts>): Record<string, number> | undefined {
    const now = counts(loreHome);
    const unreported: Record<string, number> = {};
    for (const what of ['message', 'commit', 'vector'] as const) {
      const reported = [...out.matchAll(new RegExp(`\\+(\\d+) ${what}`, 'g'))].reduce((a, m) => a + Number(m[1]), 0);
      // One-sided: a streamed message stored once may be reported by several batches.
      if (now[what] - before[what] > reported) unreported[what] = now[what] - before[what] - reported;
    }
    return Object.keys(unreported).length ? unreported : undefined;
  }
  async function until(check: () => boolean, what: string, ms = 30_000): Promise<void> {
    const end = Date.now() + ms;
    while (!check()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await sleep(20);
    }
  }
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  /** Started, caught up (first batch done), nothing reported since its last batch, and quiet a while. */
  async function settle(w: Watch): Promise<void> {
    await until(() => BATCH.test(w.out()), 'the first batch');
    let seen = '';
    let quietSince = Date.now();
    await until(() => {
      if (w.out() !== seen) {
        seen = w.out();
        quietSince = Date.now();
      }
      return !inFlight(seen) && Date.now() - quietSince > 400;
    }, 'the watcher to settle');
  }
  async function feed(stepDelayMs: number): Promise<void> {
    for (const step of feedSteps()) {
      await step();
      await sleep(stepDelayMs);
    }
  }
  /**
   * Every row, less what records the path taken rather than the result: the HEADs the watcher
   * happened to see between batches (repos.indexed_tips, compared by its first entry, the HEAD
   * indexed last) and vector ids, which follow the order messages were stored in.
   */
  const rows = (loreHome: string, since: number): Rows => {
    const path = join(loreHome, 'lore.db');
    // code_graph_state's stamp holds the git index's mtime, which each run's own git commands move.
    // source_files' read cursors (offset, head_hash, parser state) are left out too: under heavy
    // load an uninterrupted reference once ended with offset 0 at the full size of a file it had
    // read in pieces (rows all the same); see the report of the watchkill change.
    const all = tableRows(path, { since, dropColumns: { '*': ['mtime_ms'], repos: ['indexed_tips'], vector_items: ['id'], source_files: ['offset', 'head_hash', 'state'], code_graph_state: ['stamp'] }, skip: ['vector_meta'] });
    const db = new Database(path, { readonly: true });
    try {
      const tips = db.prepare('SELECT project_path, indexed_tips FROM repos ORDER BY project_path').all() as { project_path: string; indexed_tips: string }[];
      return { ...all, 'repos (last indexed HEAD)': tips.map((t) => `${t.project_path} ${(JSON.parse(t.indexed_tips) as string[])[0]}`) };
    } finally {
      db.close();
    }
  };

  /** Restart after whatever happened: the lock must not stop it; it catches up and stops cleanly on SIGTERM. */
  async function restartAndStop(env: Record<string, string>): Promise<void> {
    const again = startWatch(env);
    await until(() => again.out().includes('watching') || again.child.exitCode !== null, 'the restarted watcher');
    expect(again.out()).not.toContain('already watches');
    await settle(again);
    again.child.kill('SIGTERM');
    expect(await again.exited).toEqual({ code: 0, signal: null });
    expect(existsSync(join(env.LORE_HOME!, 'lore.db.watch.lock'))).toBe(false);
  }

  it('survives SIGKILL of lore watch at random points while it ingests transcripts and commits', { timeout: 10 * 60_000 }, async () => {
    const trials = SLOW ? 8 : 2; // kills with work in flight (more trials run when some land idle)
    const r = rng(14);
    const since = Date.now();
    const STEP_MS = 15;
    // The reference: fed and left to settle, stopped with SIGTERM, restarted once (as every trial is).
    const refHome = home();
    const refEnv = resetWorld(refHome);
    const refBefore = counts(refHome);
    const ref = startWatch(refEnv);
    await until(() => ref.out().includes('watching'), 'the reference watcher');
    const t0 = performance.now();
    await feed(STEP_MS);
    const feedMs = performance.now() - t0;
    await settle(ref);
    const batchTimes = [...ref.out().matchAll(/\((\d+) ms; /g)].map((m) => Number(m[1])).sort((a, b) => a - b);
    const batchMs = Math.max(20, batchTimes[Math.floor(batchTimes.length / 2)]!);
    ref.child.kill('SIGTERM');
    expect(await ref.exited).toEqual({ code: 0, signal: null });
    expect(cutMidBatch(ref.out(), refHome, refBefore)).toBeUndefined(); // a run stopped between batches reads as such
    const live = counts(refHome);
    await restartAndStop(refEnv);
    const reference = rows(refHome, since);
    // The live watcher alone took everything in: the restart found nothing left to add.
    expect(counts(refHome)).toEqual(live);
    expect(reference.commits).toHaveLength(COMMITS + 1);
    expect(reference['repos (last indexed HEAD)']).toEqual([`${repoDir} ${git(repoDir, ['rev-parse', 'HEAD']).trim()}`]);
    expect(reference.messages!.length).toBeGreaterThan(100);
    expect(reference.vector_items!.length).toBeGreaterThan(50);

    // inFlight: the watcher had work it had not finished (a change reported after its last batch,
    // or rows of a batch it never reported); midBatch: the second kind only, certainly mid-batch.
    const tally = { trials: 0, killed: 0, inFlight: 0, midBatch: 0, finishedFirst: 0 };
    // A kill that lands while the watcher idles between its short batches proves little: run
    // trials until `trials` kills landed with work in flight (every trial is checked all the same),
    // up to a cap that keeps the test short.
    for (let i = 0; tally.inFlight < trials && i < trials * 3 + 4; i++) {
      const trialHome = home();
      const env = resetWorld(trialHome);
      const before = counts(trialHome);
      const w = startWatch(env);
      await until(() => w.out().includes('watching'), 'the watcher');
      // A random moment, then aimed into a batch: the next write the watcher makes to the
      // database (its WAL grows), and a random part of a typical batch after it. Kills at a
      // uniform moment mostly land between the short batches.
      const delay = Math.round(r() * feedMs); // while the feed runs: after it the watcher soon idles
      const into = Math.round(r() * batchMs);
      const wal = join(trialHome, 'lore.db-wal');
      const walSize = () => (existsSync(wal) ? statSync(wal).size : 0);
      const kill = (async () => {
        await sleep(delay);
        const seen = w.out().length;
        const end = Date.now() + 400;
        while (!CHANGE.test(w.out().slice(seen)) && Date.now() < end) await sleep(1);
        await sleep(DEBOUNCE_MS + into);
        w.child.kill('SIGKILL');
      })();
      await feed(STEP_MS); // the user keeps working whether or not the watcher died
      await kill;
      const end = await w.exited;
      const landed = inFlight(w.out()); // all it printed before it died (writes to a pipe are synchronous)
      tally.trials++;
      if (end.signal === 'SIGKILL') tally.killed++;
      else tally.finishedFirst++;
      const cut = cutMidBatch(w.out(), trialHome, before);
      if (cut) tally.midBatch++;
      if (landed || cut) tally.inFlight++;
      // The SIGKILLed watcher left its lock behind; the next one must start anyway.
      await restartAndStop(env);
      expect({ trial: i, delay, into, rows: rows(trialHome, since) }).toEqual({ trial: i, delay, into, rows: reference });
      expectHealthy(join(trialHome, 'lore.db'));
    }
    if (process.env.LORE_REPORT) console.log(JSON.stringify({ seed: 14, feedMs: Math.round(feedMs), batchMs, ...tally }));
    expect(tally.killed).toBe(tally.trials);
    expect(tally.inFlight).toBeGreaterThanOrEqual(Math.max(1, Math.ceil(trials / 2)));
  });
});
