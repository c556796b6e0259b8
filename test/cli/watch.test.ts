import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, runCli } from '../helpers/cli.js';
import { commit, gitRepo } from '../helpers/git-repo.js';

interface Running {
  child: ChildProcess;
  out: () => string;
  exited: Promise<number | null>;
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

function startWatch(cwd: string, extra: string[] = []): Running {
  const child = spawn(process.execPath, [CLI, 'watch', '--poll', '200', '--debounce', '50', ...extra], { cwd, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, out: () => out, exited };
}

const until = async (check: () => boolean, ms = 15_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
};

const dbPath = () => join(process.env.LORE_HOME!, 'lore.db');
function commitsIn(root: string): { commits: number; messages: number } {
  const db = new Database(dbPath(), { readonly: true });
  try {
    const commits = (db.prepare('SELECT count(*) AS n FROM commits WHERE project_path = ?').get(root) as { n: number }).n;
    const messages = (db.prepare("SELECT count(*) AS n FROM messages WHERE session_id = ?").get(`git:${root}`) as { n: number }).n;
    return { commits, messages };
  } finally {
    db.close();
  }
}

describe('lore watch (end to end)', () => {
  it('finds a commit made behind its back (no hook installed), and a second watcher is refused with exit 2', async () => {
    const repo = gitRepo({ 'a.txt': 'a\n' });
    expect(runCli(['index', '-q'], { cwd: repo }).code).toBe(0);
    const w = startWatch(repo);
    await until(() => w.out().includes('watching'));
    const second = runCli(['watch'], { cwd: repo });
    expect(second.code).toBe(2);
    expect(second.stderr).toContain(`another lore watch (pid ${w.child.pid}) already watches this database`);
    expect(runCli(['doctor'], { cwd: repo }).stdout).toMatch(new RegExp(`watcher +running \\(pid ${w.child.pid}\\)`));
    commit(repo, { 'b.txt': 'b\n' }, 'made without the hook');
    await until(() => commitsIn(repo).commits === 2);
    w.child.kill('SIGTERM');
    expect(await w.exited).toBe(0);
    expect(w.out()).toContain('SIGTERM: stopping after the current batch');
    expect(existsSync(`${dbPath()}.watch.lock`)).toBe(false);
    expect(runCli(['doctor'], { cwd: repo }).stdout).toMatch(/watcher +not running/);
  });

  it('stops cleanly on SIGTERM in the middle of a batch, and a restart picks up the rest, nothing doubled', async () => {
    const repo = gitRepo({ 'a.txt': 'a\n' });
    expect(runCli(['index', '-q'], { cwd: repo }).code).toBe(0);
    const w = startWatch(repo);
    await until(() => w.out().includes('watching'));
    for (let i = 0; i < 30; i++) commit(repo, { [`f${i}.txt`]: `${i}\n` }, `change ${i}`);
    await until(() => commitsIn(repo).commits > 1, 15_000);
    w.child.kill('SIGTERM');
    expect(await w.exited).toBe(0);
    for (let i = 30; i < 35; i++) commit(repo, { [`f${i}.txt`]: `${i}\n` }, `change ${i}`);
    const again = startWatch(repo);
    await until(() => commitsIn(repo).commits === 36);
    again.child.kill('SIGINT');
    expect(await again.exited).toBe(0);
    expect(commitsIn(repo)).toEqual({ commits: 36, messages: 36 });
    const db = new Database(dbPath(), { readonly: true });
    expect(db.prepare('SELECT count(*) AS n FROM vector_items').get()).toEqual({ n: (db.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n });
    db.close();
  });

  it('writes and removes a systemd user unit without running systemctl', () => {
    const dir = gitRepo();
    const r = runCli(['watch', '--install-service'], { cwd: dir });
    expect(r.code).toBe(0);
    const unit = join(process.env.XDG_CONFIG_HOME!, 'systemd', 'user', 'lore-watch.service');
    expect(r.stdout).toContain(`wrote ${unit}:`);
    const text = readFileSync(unit, 'utf8');
    expect(text).toContain(`ExecStart=${process.execPath} ${CLI} watch --quiet`);
    expect(text).toContain(`Environment=LORE_HOME=${process.env.LORE_HOME}`);
    expect(text).toContain('WantedBy=default.target');
    expect(r.stdout).toContain('systemctl --user enable --now lore-watch.service');
    const u = runCli(['watch', '--uninstall-service'], { cwd: dir });
    expect(u.stdout).toContain(`removed ${unit}`);
    expect(existsSync(unit)).toBe(false);
    expect(runCli(['watch', '--uninstall-service'], { cwd: dir }).stdout).toContain('nothing to remove');
  });
});

