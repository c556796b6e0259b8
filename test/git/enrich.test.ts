import { execFileSync } from 'node:child_process';
import { mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getCommit } from '../../src/db/index.js';
import { enrichCommits, findRepo, indexCommits } from '../../src/git/index.js';
import { commit, dropObject, git, gitRepo } from '../helpers/git-repo.js';
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

  it('without remotes, gives patch-ids to the recent history lore found and to every commit that arrives later', async () => {
    const { repo, shas } = publishedRepo();
    git(repo, ['remote', 'remove', 'origin']);
    const { db } = tempDb();
    const info = await findRepo(repo);
    await indexCommits(db, info);
    const now = Date.parse('2026-04-01T00:00:00Z');
    await enrichCommits(db, info, { now: () => now });
    expect(getCommit(db, repo, shas.recent)?.patchId).toBe(patchIdOf(repo, shas.recent));
    // Old and found at the first index: a patch-id only if it falls out of reach (src/git/reachable.ts).
    for (const sha of [shas.old, shas.review, shas.local]) expect(getCommit(db, repo, sha)?.patchId).toBeNull();
    // Arrived later, however old its date (a rewrite's copy keeps the dates of what it copies).
    const later = commit(repo, { 'd.ts': 'd\n' }, 'a new commit', { date: new Date(now - 400 * DAY).toISOString() });
    await indexCommits(db, info);
    await enrichCommits(db, info, { now: () => now });
    expect(getCommit(db, repo, later)?.patchId).toBe(patchIdOf(repo, later));
    db.close();
  });

  it('keeps the old rule, every commit a patch-id, for a database indexed before the first index was marked', async () => {
    const { repo, shas } = publishedRepo();
    git(repo, ['remote', 'remove', 'origin']);
    const { db } = tempDb();
    const info = await findRepo(repo);
    await indexCommits(db, info);
    db.prepare("UPDATE sessions SET metadata = json_remove(metadata, '$.settledThrough')").run();
    await enrichCommits(db, info, { now: () => Date.parse('2026-04-01T00:00:00Z') });
    for (const sha of Object.values(shas)) expect(getCommit(db, repo, sha)?.patchId).toBe(patchIdOf(repo, sha));
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
      expect(r).toEqual({ enriched: 6, remaining: 0, unreadable: 0 });
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

  it('skips the commits whose blobs the repository lacks, and counts and ids every other commit of the batch', async () => {
    const repo = gitRepo({ 'a.ts': 'one\n' }, 'root');
    const clip = commit(repo, { 'clip.mp4': 'frames 1\n', 'notes.md': 'a clip\n' }, 'add a clip');
    const recut = commit(repo, { 'clip.mp4': 'frames 2\n' }, 'recut the clip');
    const after = commit(repo, { 'a.ts': 'one\ntwo\n' }, 'after the clip');
    commit(repo, { 'b.ts': 'b\n', 'a.ts': 'two\n' }, 'later still');
    // The first cut is gone: both commits that touch it cannot be diffed.
    dropObject(repo, `${clip}:clip.mp4`);
    const { db } = tempDb();
    const info = await findRepo(repo);
    await indexCommits(db, info);
    // A clock that makes them recent: every readable one gets a patch-id.
    const r = await enrichCommits(db, info, { now: () => Date.parse('2026-01-01T00:00:00Z') });
    expect(r).toEqual({ enriched: 5, remaining: 0, unreadable: 2 });
    const files = (sha: string) => db.prepare('SELECT f.path, f.added, f.removed FROM commit_files f JOIN commits c ON c.id = f.commit_id WHERE c.sha = ? ORDER BY f.path').all(sha);
    // The unreadable commits keep their files, without counts or patch-id.
    expect(files(clip)).toEqual([
      { path: 'clip.mp4', added: null, removed: null },
      { path: 'notes.md', added: null, removed: null },
    ]);
    expect(files(recut)).toEqual([{ path: 'clip.mp4', added: null, removed: null }]);
    expect(getCommit(db, repo, clip)?.patchId).toBeNull();
    expect(getCommit(db, repo, recut)?.patchId).toBeNull();
    // Every other commit as git counts it.
    for (const sha of git(repo, ['rev-list', 'HEAD']).trim().split('\n').filter((s) => s !== clip && s !== recut)) {
      const numstat = git(repo, ['show', '--numstat', '--format=', sha]).trim().split('\n').map((l) => l.split('\t'));
      expect(files(sha)).toEqual(numstat.map(([added, removed, path]) => ({ path, added: Number(added), removed: Number(removed) })).sort((x, y) => x.path!.localeCompare(y.path!)));
      expect(getCommit(db, repo, sha)?.patchId).toBe(patchIdOf(repo, sha));
    }
    expect(getCommit(db, repo, after)?.patchId).toBeTruthy();
    // The watermark is past them: a later run has nothing to do.
    expect(await enrichCommits(db, info)).toEqual({ enriched: 0, remaining: 0, unreadable: 0 });
    db.close();
  });
});
