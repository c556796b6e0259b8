import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { CLI, runCli } from '../helpers/cli.js';
import { integrity } from '../helpers/db-rows.js';
import { git, gitRepo, writeTree } from '../helpers/git-repo.js';

// Commits in a tight loop with the hooks installed, while `lore watch` runs and a loop of
// `lore why` / `lore search` queries runs: every commit indexed exactly once, no query fails with
// a busy or locked error, and no lore process is left behind. LORE_SLOW=1 (CI) makes 200 commits.
const SLOW = process.env.LORE_SLOW === '1';
const COMMITS = SLOW ? 200 : 40;

/** Pids of live processes whose environment holds `marker` (our private LORE_HOME). */
function processesWith(marker: string): { pid: number; cmd: string }[] {
  const out: { pid: number; cmd: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const environ = readFileSync(`/proc/${entry}/environ`, 'latin1');
      if (!environ.includes(marker)) continue;
      const stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
      if (/\) Z /.test(stat)) continue; // a zombie has exited; its parent just has not reaped it yet
      out.push({ pid: Number(entry), cmd: readFileSync(`/proc/${entry}/cmdline`, 'latin1').replaceAll('\0', ' ').trim() });
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return out;
}

async function waitFor(check: () => boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

function run(args: string[], cwd: string, env: Record<string, string>): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => done({ code, stderr, stdout }));
  });
}

describe('concurrency', () => {
  it(`indexes ${COMMITS} hooked commits exactly once while watch and queries run, with no busy errors and no leftovers`, { timeout: 15 * 60_000 }, async () => {
    const loreHome = mkdtempSync(join(tmpdir(), 'lore-conc-home-'));
    const env = { LORE_HOME: loreHome };
    const dbPath = join(loreHome, 'lore.db');
    const repo = gitRepo({ 'src/a.ts': 'export const a = 0;\n', 'README.md': '# demo\n' });
    const init = runCli(['init'], { cwd: repo, env });
    expect(init.code, init.stderr).toBe(0);

    const watch: ChildProcess = spawn(process.execPath, [CLI, 'watch', '-q'], { cwd: repo, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let watchErr = '';
    watch.stderr!.on('data', (d: Buffer) => (watchErr += d.toString()));

    let querying = true;
    const failures: string[] = [];
    let queries = 0;
    // Two query loops, running until the hook workers are done, so reads overlap every write.
    const queryLoop = async (offset: number) => {
      const kinds = [
        ['why', 'src/a.ts', '--json'],
        ['search', 'change', '--json', '--mode', 'fts'],
        ['why', 'README.md'],
      ];
      for (let n = offset; querying; n++) {
        const args = kinds[n % kinds.length]!;
        const r = await run(args, repo, env);
        queries++;
        if (r.code !== 0 || /busy|locked/i.test(r.stderr)) failures.push(`${args.join(' ')} → ${r.code}: ${r.stderr.slice(0, 300)}`);
      }
    };
    const loops = Promise.all([queryLoop(0), queryLoop(1)]);

    const shas: string[] = [];
    for (let i = 1; i <= COMMITS; i++) {
      writeTree(repo, { 'src/a.ts': `export const a = ${i};\n`, [`src/f${i % 7}.ts`]: `export const f = ${i};\n` });
      git(repo, ['add', '-A']);
      // The hooks run: --no-verify only skips pre-commit and commit-msg. They inherit git's
      // environment: with this test's LORE_HOME, so their workers write to the database checked
      // below (with the test worker's own LORE_HOME they would fill another one, and only watch
      // and the queries would take the events here).
      git(repo, ['commit', '-q', '-m', `change ${i}`], env);
      shas.push(git(repo, ['rev-parse', 'HEAD']).trim());
    }

    // The detached workers finish on their own; nothing else runs the index meanwhile.
    const countIndexed = (): number => {
      const db = new Database(dbPath, { readonly: true });
      try {
        return (db.prepare('SELECT count(*) AS n FROM commits WHERE project_path = ?').get(repo) as { n: number }).n;
      } finally {
        db.close();
      }
    };
    // Hook work is every process of ours but the CLI runs (watch, queries): shims, setsid, workers.
    const hookWork = () => processesWith(loreHome).filter((p) => !p.cmd.includes(CLI));
    const workersDone = await waitFor(() => hookWork().length === 0, 120_000);
    expect(workersDone, JSON.stringify(hookWork())).toBe(true);
    await waitFor(() => countIndexed() === COMMITS + 1, 30_000);
    querying = false;
    await loops;

    watch.kill('SIGTERM');
    const watchExit = await new Promise<number | null>((r) => (watch.exitCode !== null ? r(watch.exitCode) : watch.on('exit', (code) => r(code))));
    // A worker can still be starting (under load a forked shim may wait long for a CPU): read the
    // database once nothing of ours runs; no process left behind is asserted below too.
    await waitFor(() => processesWith(loreHome).length === 0, 30_000);

    const db = new Database(dbPath, { readonly: true });
    const commits = db.prepare('SELECT sha FROM commits WHERE project_path = ?').all(repo) as { sha: string }[];
    const events = db.prepare("SELECT payload, processed_at FROM hook_events WHERE project_path = ? AND kind = 'commit'").all(repo) as { payload: string; processed_at: string | null }[];
    const messages = db.prepare("SELECT json_extract(metadata, '$.sha') AS sha FROM messages WHERE session_id = ?").all(`git:${repo}`) as { sha: string }[];
    db.close();

    expect(failures).toEqual([]);
    expect(queries).toBeGreaterThanOrEqual(2);
    expect(commits.length).toBe(COMMITS + 1);
    expect(new Set(commits.map((c) => c.sha))).toEqual(new Set([...shas, git(repo, ['rev-list', '--max-parents=0', 'HEAD']).trim()]));
    // Each hook event is stored once and processed once; each commit has one message row.
    expect(events.map((e) => e.payload).sort()).toEqual([...shas].sort());
    expect(events.filter((e) => e.processed_at === null)).toEqual([]);
    expect(messages.length).toBe(COMMITS + 1);
    expect(new Set(messages.map((m) => m.sha)).size).toBe(COMMITS + 1);
    expect(integrity(dbPath)).toMatchObject({ integrity: ['ok'], fts: [] });

    expect(watchExit, watchErr).toBe(0);
    expect(/busy|locked/i.test(watchErr), watchErr).toBe(false);
    // No lore process left behind: watch, workers, queries all gone; no stale lock files.
    expect(await waitFor(() => processesWith(loreHome).length === 0, 10_000), JSON.stringify(processesWith(loreHome))).toBe(true);
    expect(existsSync(join(repo, '.git', 'lore', 'worker.lock'))).toBe(false);
    expect(existsSync(`${dbPath}.watch.lock`)).toBe(false);
    expect(readFileSync(join(repo, '.git', 'lore', 'worker.log'), { flag: 'a+' }).toString()).toBe('');
    // Nothing went to the test process's own database (see the commit loop).
    expect(existsSync(join(process.env.LORE_HOME!, 'lore.db'))).toBe(false);
  });
});
