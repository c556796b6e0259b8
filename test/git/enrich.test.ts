import { execFileSync } from 'node:child_process';
import { mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getCommit } from '../../src/db/index.js';
import { enrichCommits, findRepo, indexCommits } from '../../src/git/index.js';
import { commit, git, gitRepo } from '../helpers/git-repo.js';
import { tempDb } from '../helpers/temp-db.js';

const DAY = 86_400_000;

function patchIdOf(repo: string, sha: string): string {
  const patch = git(repo, ['show', '--format=commit %H', sha]);
  return execFileSync('git', ['patch-id', '--stable'], { cwd: repo, input: patch, encoding: 'utf8' }).split(' ')[0]!;
}

/** A repository whose first commits are on its remote (`origin/main`), then one pushed to a review branch, then one not pushed. */
function publishedRepo() {
  const repo = gitRepo({ 'a.ts': 'one\n' }, 'root commit');
  const old = commit(repo, { 'a.ts': 'one\ntwo\n' }, 'old, published', { date: '2026-01-10T10:00:00Z' });
  const recent = commit(repo, { 'b.ts': 'b\n' }, 'recent, published', { date: '2026-03-20T10:00:00Z' });
  const remote = realpathSync(mkdtempSync(join(tmpdir(), 'lore-remote-')));
  git(remote, ['init', '-q', '--bare']);
  git(repo, ['remote', 'add', 'origin', remote]);
  git(repo, ['push', '-q', 'origin', 'main']);
  git(repo, ['checkout', '-q', '-b', 'review']);
  const review = commit(repo, { 'c.ts': 'c\n' }, 'old, on a review branch', { date: '2026-01-12T10:00:00Z' });
  git(repo, ['push', '-q', 'origin', 'review']);
  const local = commit(repo, { 'a.ts': 'one\ntwo\nthree\n' }, 'old, not pushed', { date: '2026-01-15T10:00:00Z' });
  git(repo, ['fetch', '-q', 'origin']);
  return { repo, shas: { old, recent, review, local } };
}

describe('enrichCommits', () => {
  it('gives patch-ids to the commits a rebase can still rewrite: not pushed, or recent', async () => {
    const { repo, shas } = publishedRepo();
    const { db } = tempDb();
    const info = await findRepo(repo);
    await indexCommits(db, info);
    const now = Date.parse('2026-04-01T00:00:00Z');
    await enrichCommits(db, info, { now: () => now });
    expect(getCommit(db, repo, shas.local)?.patchId).toBe(patchIdOf(repo, shas.local));
    expect(getCommit(db, repo, shas.recent)?.patchId).toBe(patchIdOf(repo, shas.recent));
    // Pushed over 30 days ago, merged or not. Had lore seen the review branch's commit made here,
    // unpushed, it would have its patch-id from then.
    expect(getCommit(db, repo, shas.old)?.patchId).toBeNull();
    expect(getCommit(db, repo, shas.review)?.patchId).toBeNull();
    // Line counts for every commit, published or not.
    const added = db.prepare('SELECT f.added FROM commit_files f JOIN commits c ON c.id = f.commit_id WHERE c.sha = ?').pluck();
    expect(added.get(shas.old)).toBe(1);
    expect(added.get(shas.review)).toBe(1);
    db.close();
  });

  it('gives every commit a patch-id in a repository without remotes, and each commit made later its own', async () => {
    const { repo, shas } = publishedRepo();
    git(repo, ['remote', 'remove', 'origin']);
    const { db } = tempDb();
    const info = await findRepo(repo);
    await indexCommits(db, info);
    const now = Date.parse('2026-04-01T00:00:00Z');
    await enrichCommits(db, info, { now: () => now });
    for (const sha of Object.values(shas)) expect(getCommit(db, repo, sha)?.patchId).toBe(patchIdOf(repo, sha));
    const later = commit(repo, { 'd.ts': 'd\n' }, 'a new commit', { date: new Date(now - 400 * DAY).toISOString() });
    await indexCommits(db, info);
    await enrichCommits(db, info, { now: () => now });
    expect(getCommit(db, repo, later)?.patchId).toBe(patchIdOf(repo, later));
    db.close();
  });

  it('stores the same line counts whether the log counted them or the enrich pass did, in batches of any size', async () => {
    const { repo } = publishedRepo();
    commit(repo, { 'img.bin': Buffer.from([0, 1, 2, 0, 255]).toString('latin1'), 'a.ts': null, 'z/a.ts': 'one\ntwo\nthree\nfour\n' }, 'binary, and a rename with an edit');
    const counts = async (lineCounts: boolean, batchSize?: number) => {
      const { db } = tempDb();
      const info = await findRepo(repo);
      await indexCommits(db, info, { lineCounts });
      // Small batches: several diffed at once, stored in order behind one watermark.
      const r = await enrichCommits(db, info, batchSize ? { batchSize } : {});
      expect(r).toEqual({ enriched: 6, remaining: 0 });
      expect(db.prepare('SELECT count(*) AS n FROM messages').get()).toEqual({ n: 6 });
      const rows = db.prepare('SELECT c.sha, f.path, f.status, f.old_path, f.added, f.removed FROM commit_files f JOIN commits c ON c.id = f.commit_id ORDER BY c.sha, f.path').all();
      db.close();
      return rows;
    };
    const inLog = await counts(true);
    expect(inLog).toEqual(await counts(false));
    expect(inLog).toEqual(await counts(false, 2));
    expect(inLog).toContainEqual(expect.objectContaining({ path: 'z/a.ts', status: 'R', old_path: 'a.ts', added: 1, removed: 0 }));
    expect(inLog).toContainEqual(expect.objectContaining({ path: 'img.bin', added: null, removed: null }));
  });
});
