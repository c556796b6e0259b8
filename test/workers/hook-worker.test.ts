import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveDbPath } from '../../src/config/index.js';
import { openDb } from '../../src/db/index.js';
import { installHooks } from '../../src/git/index.js';
import { git, gitRepo } from '../helpers/git-repo.js';
import { count } from '../helpers/ingest.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Counts {
  commits: number;
  distinctCommits: number;
  events: number;
  distinctEvents: number;
  unprocessed: number;
  messages: number;
}

function counts(dbPath: string, repo: string): Counts {
  const db = openDb(dbPath, { readonly: true });
  try {
    const one = (sql: string) => count(db, sql, repo);
    return {
      commits: one('SELECT count(*) AS n FROM commits WHERE project_path = ?'),
      distinctCommits: one('SELECT count(DISTINCT sha) AS n FROM commits WHERE project_path = ?'),
      events: one('SELECT count(*) AS n FROM hook_events WHERE project_path = ?'),
      distinctEvents: one('SELECT count(DISTINCT payload) AS n FROM hook_events WHERE project_path = ?'),
      unprocessed: one('SELECT count(*) AS n FROM hook_events WHERE project_path = ? AND processed_at IS NULL'),
      messages: one("SELECT count(*) AS n FROM messages WHERE session_id = 'git:' || ?"),
    };
  } finally {
    db.close();
  }
}

/** Waits until no worker holds the lock and the counts stop changing (the detached workers are done). */
async function settle(dbPath: string, repo: string, timeoutMs = 90_000): Promise<Counts> {
  const lock = join(repo, '.git/lore/worker.lock');
  const deadline = Date.now() + timeoutMs;
  let last = '';
  let stableSince = Date.now();
  while (Date.now() < deadline) {
    await sleep(250);
    if (!existsSync(dbPath) || existsSync(lock)) continue;
    const now = JSON.stringify(counts(dbPath, repo));
    if (now !== last) {
      last = now;
      stableSince = Date.now();
    } else if (Date.now() - stableSince > 1500) return JSON.parse(now) as Counts;
  }
  throw new Error(`workers did not settle in ${timeoutMs} ms; last counts ${last}`);
}

describe('the post-commit hook with its detached worker', () => {
  it('indexes every one of 50 commits made in a quick loop exactly once', async () => {
    const repo = gitRepo({ 'loop.txt': 'seed\n' });
    await installHooks(repo);
    const dbPath = resolveDbPath(process.env);
    for (let i = 0; i < 50; i++) {
      writeFileSync(join(repo, 'loop.txt'), `change ${i}\n`);
      execFileSync('git', ['commit', '-q', '-a', '-m', `loop ${i}`], { cwd: repo });
    }
    const final = await settle(dbPath, repo);
    expect(final).toEqual({ commits: 51, distinctCommits: 51, events: 50, distinctEvents: 50, unprocessed: 0, messages: 51 });
    const queued = git(repo, ['rev-list', '--max-count=50', 'HEAD']).trim().split('\n').sort();
    const db = openDb(dbPath, { readonly: true });
    const payloads = (db.prepare('SELECT payload FROM hook_events WHERE project_path = ? ORDER BY payload').all(repo) as { payload: string }[]).map((r) => r.payload);
    db.close();
    expect(payloads).toEqual(queued);
    const log = join(repo, '.git/lore/worker.log');
    expect(existsSync(log) ? readFileSync(log, 'utf8') : '').toBe('');
  });
});
