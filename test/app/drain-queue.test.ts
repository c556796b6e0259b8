import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/db/index.js';
import { findRepo, type RepoInfo } from '../../src/git/index.js';
import { catchUp } from '../../src/app/index.js';
import { drainQueue } from '../../src/app/drain-queue.js';
import { commit, git, gitRepo } from '../helpers/git-repo.js';

/** What a post-commit shim appends for HEAD. */
function queueHead(dir: string): string {
  const sha = git(dir, ['rev-parse', 'HEAD']).trim();
  mkdirSync(join(dir, '.git', 'lore'), { recursive: true });
  appendFileSync(join(dir, '.git', 'lore', 'queue'), `commit ${sha}\n`);
  return sha;
}

function events(dbPath: string, root: string): { payload: string; processed: number }[] {
  const db = openDb(dbPath, { readonly: true });
  try {
    return db.prepare('SELECT payload, processed_at IS NOT NULL AS processed FROM hook_events WHERE project_path = ? ORDER BY id').all(root) as { payload: string; processed: number }[];
  } finally {
    db.close();
  }
}

describe('the worker loop draining the hook queue', () => {
  it('hands over to a fresh worker when events keep arriving past its last round, instead of leaving them queued', async () => {
    const dir = gitRepo({ 'a.txt': 'a\n' });
    const repo: RepoInfo = await findRepo(dir);
    const dbPath = join(dir, '.git', 'test-lore.db');
    commit(dir, { 'a.txt': 'b\n' }, 'second');
    const first = queueHead(dir);
    let rounds = 0;
    let late = '';
    let handedOver = 0;
    // A commit lands (and its shim queues it) while the round runs; that shim's worker found the lock taken.
    const round = async (db: Db, r: RepoInfo) => {
      await catchUp(db, r, undefined, { chats: false });
      if (rounds++ === 0) {
        commit(dir, { 'a.txt': 'c\n' }, 'third');
        late = queueHead(dir);
      }
    };
    expect(await drainQueue(repo, dbPath, round, { maxRounds: 1, handOver: () => handedOver++ })).toBe('handed-over');
    expect(handedOver).toBe(1);
    expect(events(dbPath, repo.root)).toEqual([{ payload: first, processed: 1 }]);

    // The successor takes what was left.
    expect(await drainQueue(repo, dbPath, round, { handOver: () => handedOver++ })).toBe('done');
    expect(events(dbPath, repo.root)).toEqual([
      { payload: first, processed: 1 },
      { payload: late, processed: 1 },
    ]);
    expect(handedOver).toBe(1);
  });

  it('leaves at once when a live worker holds the lock', async () => {
    const dir = gitRepo({ 'a.txt': 'a\n' });
    const repo = await findRepo(dir);
    queueHead(dir);
    writeFileSync(join(dir, '.git', 'lore', 'worker.lock'), String(process.pid));
    let called = 0;
    const r = await drainQueue(repo, join(dir, '.git', 'test-lore.db'), async () => void called++, { handOver: () => {} });
    expect(r).toBe('locked');
    expect(called).toBe(0);
  });

  it('logs a failure to <git dir>/lore/worker.log, exits 0, and leaves the queue and the lock as they were', () => {
    const dir = gitRepo({ 'a.txt': 'a\n' });
    const sha = queueHead(dir);
    const notADb = join(dir, '.git', 'not-a-db');
    mkdirSync(notADb); // a directory where the database file should be: opening it throws
    // Throws (and fails the test) on a non-zero exit.
    execFileSync(process.execPath, ['dist/hook-worker.js', dir, notADb], { stdio: 'ignore' });
    const log = readFileSync(join(dir, '.git', 'lore', 'worker.log'), 'utf8');
    expect(log).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z DatabaseError: cannot use the database at ${notADb}: `));
    expect(readFileSync(join(dir, '.git', 'lore', 'queue'), 'utf8')).toBe(`commit ${sha}\n`);
    expect(existsSync(join(dir, '.git', 'lore', 'worker.lock'))).toBe(false);
  });
});

