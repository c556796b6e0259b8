import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tryLock, workerLockPath } from '../../src/app/lock.js';
import { resolveDbPath } from '../../src/config/index.js';
import { openDb } from '../../src/db/index.js';
import { findRepo } from '../../src/git/index.js';
import { linkRepo } from '../../src/link/index.js';
import { blameTarget, why } from '../../src/query/index.js';
import { bigRepo } from '../helpers/big-repo.js';
import { ChatRows } from '../helpers/chat-rows.js';
import { runCli } from '../helpers/cli.js';
import { commit } from '../helpers/git-repo.js';

// Issue 12, item 15: a query never links a large backlog itself (after `lore init` on a long
// history that took minutes); it answers from what is linked so far, says what is pending, and
// the background worker links the rest.

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const whyJson = (dir: string, target: string) => {
  const r = runCli(['why', target, '--json'], { cwd: dir });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
};

/** 150 commits, then a request whose edit wrote notes.md, and the commit of it. */
function repoWithNotes(seed: number, session: string): { repo: string; notes: string } {
  const repo = bigRepo(150, seed);
  const db = openDb(resolveDbPath(process.env));
  const s = new ChatRows(db, repo, session);
  s.prompt('Write notes.md with a greeting for the team', '2026-08-01T10:00:00.000Z');
  s.edit('notes.md', '2026-08-01T10:00:30.000Z', { new: 'hello team\nwelcome to the notes\n' });
  db.close();
  return { repo, notes: commit(repo, { 'notes.md': 'hello team\nwelcome to the notes\n' }, 'add notes', { date: '2026-08-01T10:01:00Z' }) };
}

describe('lore why with a link backlog', () => {
  it('answers from what is linked, says how much waits, and the worker links the rest', async () => {
    const { repo, notes } = repoWithNotes(5, 'claude-code:9b9b9b9b-aaaa-bbbb-cccc-000000000001');

    // A worker holding the repository's lock keeps the backlog waiting while the query answers.
    const lock = tryLock(workerLockPath(join(repo, '.git')))!;
    expect(lock).toBeDefined();
    let j;
    try {
      j = whyJson(repo, 'notes.md');
      expect(j.changes[0]).toMatchObject({ sha: notes, requests: [] });
      expect(j.linking.pending).toBe(151);
      expect(j.linking.unlinked).toEqual([notes]);
      const text = runCli(['why', 'notes.md'], { cwd: repo }).stdout.split('\n');
      expect(text[2]).toBe("linking 151 commits in the background (1 of this file's 1 not linked yet); answers may grow");
    } finally {
      lock.release();
    }

    // Unlocked, the next query starts the worker, which links everything.
    for (let i = 0; i < 60 && j.linking; i++) {
      j = whyJson(repo, 'notes.md');
      if (j.linking) await sleep(500);
    }
    expect(j.linking).toBeNull();
    expect(j.changes[0].requests[0]).toMatchObject({ text: 'Write notes.md with a greeting for the team' });
    expect(runCli(['why', 'notes.md'], { cwd: repo }).stdout).not.toContain('in the background');
  }, 60_000);

  it('never says nothing waits when the worker linked while the answer was read', async () => {
    const { repo, notes } = repoWithNotes(6, 'claude-code:9b9b9b9b-aaaa-bbbb-cccc-000000000002');
    // Indexed, with the backlog left to a worker (held off by its lock).
    const lock = tryLock(workerLockPath(join(repo, '.git')))!;
    try {
      expect(whyJson(repo, 'notes.md').linking.pending).toBe(151);
    } finally {
      lock.release();
    }
    // The worker (another connection) links everything while this answer waits for its blame:
    // the links were read before, so the answer must still say that linking was under way.
    const info = await findRepo(repo);
    const db = openDb(resolveDbPath(process.env));
    const worker = openDb(resolveDbPath(process.env));
    const blame = (async () => {
      await linkRepo(worker, info);
      return blameTarget(info, 'notes.md', 1);
    })();
    const during = await why(db, info, { path: 'notes.md', line: 1 }, { blame });
    expect(during.changes[0]).toMatchObject({ sha: notes, requests: [] });
    expect(during.linking).not.toBeNull();
    const after = await why(db, info, { path: 'notes.md', line: 1 });
    expect(after.linking).toBeNull();
    expect(after.changes[0]!.requests[0]).toMatchObject({ text: 'Write notes.md with a greeting for the team' });
    worker.close();
    db.close();
  }, 60_000);
});
