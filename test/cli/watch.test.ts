import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, runCli } from '../helpers/cli.js';
import { commit, gitRepo } from '../helpers/git-repo.js';
import { REAL_FIXTURES } from '../fixtures/paths.mjs';

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

const FIXTURE = join(REAL_FIXTURES, 'claude-code/codemie-code/-tmp-private/4c2ddfdc-b619-4525-8d03-1950fb1b0257.jsonl');

function count(sql: string, ...params: unknown[]): number {
  if (!existsSync(dbPath())) return 0;
  const db = new Database(dbPath(), { readonly: true });
  try {
    return (db.prepare(sql).get(...params) as { n: number }).n;
  } finally {
    db.close();
  }
}

/** A Claude Code user prompt line shaped like the fixture's. */
function promptLine(uuid: string, text: string): string {
  const first = JSON.parse(readFileSync(FIXTURE, 'utf8').split('\n')[1]!) as Record<string, unknown>;
  return JSON.stringify({ ...first, uuid, parentUuid: null, timestamp: '2026-01-05T10:00:00.000Z', message: { role: 'user', content: text } }) + '\n';
}

describe('lore watch (end to end)', () => {
  it('picks up a Claude Code root that appears, an appended line, a partial line once complete, and keeps a deleted transcript', async () => {
    const repo = gitRepo({ 'a.txt': 'a\n' });
    expect(runCli(['index', '-q'], { cwd: repo }).code).toBe(0);
    const projects = join(process.env.CLAUDE_CONFIG_DIR!, 'projects');
    rmSync(projects, { recursive: true, force: true });
    const w = startWatch(repo);
    await until(() => w.out().includes('watching'));
    const dir = join(projects, '-tmp-private');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, '4c2ddfdc-b619-4525-8d03-1950fb1b0257.jsonl');
    writeFileSync(file, readFileSync(FIXTURE, 'utf8').split('\n').slice(0, 2).join('\n') + '\n');
    const session = 'claude-code:4c2ddfdc-b619-4525-8d03-1950fb1b0257';
    const messages = () => count('SELECT count(*) AS n FROM messages WHERE session_id = ?', session);
    await until(() => messages() === 1);

    appendFileSync(file, promptLine('00000000-0000-4000-8000-000000000001', 'appended prompt about the zebrafish cache'));
    await until(() => count("SELECT count(*) AS n FROM messages WHERE content LIKE '%zebrafish%'") === 1);

    const line = promptLine('00000000-0000-4000-8000-000000000002', 'a partial prompt about the okapi index');
    appendFileSync(file, line.slice(0, 60));
    await new Promise((r) => setTimeout(r, 600));
    expect(count("SELECT count(*) AS n FROM messages WHERE content LIKE '%okapi%'")).toBe(0);
    appendFileSync(file, line.slice(60));
    await until(() => count("SELECT count(*) AS n FROM messages WHERE content LIKE '%okapi%'") === 1);
    expect(messages()).toBe(3);

    rmSync(file);
    writeFileSync(join(dir, 'other.jsonl'), '');
    await new Promise((r) => setTimeout(r, 600));
    expect(messages()).toBe(3);
    w.child.kill('SIGTERM');
    expect(await w.exited).toBe(0);
    const hits = JSON.parse(runCli(['search', 'zebrafish', '--json'], { cwd: repo }).stdout) as { hits: { id: string; tool: string }[] };
    expect(hits.hits[0]).toMatchObject({ id: `${session}:00000000-0000-4000-8000-000000000001`, tool: 'claude-code' });
  });

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

