import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { countCommits, fileHistory, getCommit } from '../../src/db/index.js';
import { enrichCommits, findRepo, indexCommits } from '../../src/git/index.js';
import { catchUp } from '../../src/app/index.js';
import { commit, git, gitRepo } from '../helpers/git-repo.js';
import { tempDb } from '../helpers/temp-db.js';


/** root → add b → branch side (edit a, add c) merged with a real merge commit → rename b → edit. */
function historyRepo() {
  const repo = gitRepo({ 'a.ts': 'one\n' }, 'root commit');
  const addB = commit(repo, { 'src/b.ts': 'export const b = 1;\n' }, 'add b');
  git(repo, ['checkout', '-q', '-b', 'side']);
  const sideEdit = commit(repo, { 'a.ts': 'one\ntwo\n', 'c.ts': 'c\n' }, 'side: edit a, add c');
  git(repo, ['checkout', '-q', 'main']);
  const mainEdit = commit(repo, { 'src/b.ts': 'export const b = 2;\n' }, 'main: edit b');
  git(repo, ['merge', '-q', '--no-ff', '-m', 'merge side', 'side']);
  const merge = git(repo, ['rev-parse', 'HEAD']).trim();
  const rename = commit(repo, { 'src/b.ts': null, 'lib/b2.ts': 'export const b = 2;\n' }, 'move b to lib');
  const last = commit(repo, { 'lib/b2.ts': 'export const b = 3;\nexport const x = 0;\n' }, 'edit b2');
  const root = git(repo, ['rev-list', '--max-parents=0', 'HEAD']).trim();
  return { repo, shas: { root, addB, sideEdit, mainEdit, merge, rename, last } };
}

describe('indexCommits', () => {
  it('backfills every commit, with root and merge parents, renames and file statuses', async () => {
    const { repo, shas } = historyRepo();
    const { db } = tempDb();
    const info = await findRepo(repo);
    const r = await indexCommits(db, info);
    expect(r).toEqual({ added: 7, head: shas.last });
    expect(countCommits(db, repo)).toBe(7);
    expect(getCommit(db, repo, shas.root)?.parents).toEqual([]);
    expect(getCommit(db, repo, shas.merge)?.parents).toEqual([shas.mainEdit, shas.sideEdit]);
    expect(getCommit(db, repo, shas.merge)?.subject).toBe('merge side');
    const files = db.prepare('SELECT c.sha, f.path, f.status, f.old_path FROM commit_files f JOIN commits c ON c.id = f.commit_id WHERE c.project_path = ? ORDER BY f.path, c.sha').all(repo);
    expect(files).toContainEqual({ sha: shas.rename, path: 'lib/b2.ts', status: 'R', old_path: 'src/b.ts' });
    expect(files).toContainEqual({ sha: shas.root, path: 'a.ts', status: 'A', old_path: null });
    expect(files).toContainEqual({ sha: shas.sideEdit, path: 'c.ts', status: 'A', old_path: null });
    // git log shows no diff for a merge by default: the merge has no file rows of its own.
    expect(files.filter((f) => (f as { sha: string }).sha === shas.merge)).toEqual([]);
    db.close();
  });

  it('indexes only new commits on the next run, and nothing when HEAD is indexed', async () => {
    const { repo, shas } = historyRepo();
    const { db } = tempDb();
    const info = await findRepo(repo);
    await indexCommits(db, info);
    const n1 = commit(repo, { 'd.ts': 'd\n' }, 'add d');
    const n2 = commit(repo, { 'd.ts': 'd2\n' }, 'edit d');
    expect(await indexCommits(db, info)).toEqual({ added: 2, head: n2 });
    expect(await indexCommits(db, info)).toEqual({ added: 0, head: n2 });
    expect(countCommits(db, repo)).toBe(9);
    expect(getCommit(db, repo, n1)?.parents).toEqual([shas.last]);
    db.close();
  });

  it('indexes an off-branch commit named by a hook, and nothing twice', async () => {
    const { repo } = historyRepo();
    git(repo, ['checkout', '-q', '-b', 'topic']);
    const topic = commit(repo, { 't.ts': 't\n' }, 'topic work');
    git(repo, ['checkout', '-q', 'main']);
    const { db } = tempDb();
    const info = await findRepo(repo);
    expect((await indexCommits(db, info, { extra: [topic] })).added).toBe(8);
    expect(getCommit(db, repo, topic)?.subject).toBe('topic work');
    expect((await indexCommits(db, info, { extra: [topic] })).added).toBe(0);
    expect(countCommits(db, repo)).toBe(8);
    db.close();
  });

  it('stores a batch whole or not at all: a failure while it streams in leaves none of it, and a re-run finishes', async () => {
    const { repo, shas } = historyRepo();
    const { db } = tempDb();
    const info = await findRepo(repo);
    const failing = () => {
      throw new Error('interrupted');
    };
    await expect(indexCommits(db, info, { batchSize: 100, report: failing })).rejects.toThrow('interrupted');
    expect(countCommits(db, repo)).toBe(0);
    expect(db.inTransaction).toBe(false);
    expect(await indexCommits(db, info)).toEqual({ added: 7, head: shas.last });
    expect(countCommits(db, repo)).toBe(7);
    db.close();
  });

  it('follows a rename back to the commit that created the first name', async () => {
    const { repo, shas } = historyRepo();
    const { db } = tempDb();
    await indexCommits(db, await findRepo(repo));
    const history = fileHistory(db, repo, 'lib/b2.ts');
    expect(history.map((c) => c.sha)).toEqual([shas.last, shas.rename, shas.mainEdit, shas.addB]);
    expect(history.map((c) => c.file.status)).toEqual(['M', 'R', 'M', 'A']);
    db.close();
  });
});

/**
 * A project with a subtree-merged one whose root holds files of the same names (git/git and
 * git-subtree's Makefile, gitk's README.md): the top-level README is renamed to README.md, then
 * the other project, which has its own Makefile (later moved away) and a newer README.md, is
 * merged under sub/.
 */
function subtreeRepo() {
  const top = gitRepo({ Makefile: 'top make\n', README: 'top readme\nline two\nline three\n' }, 'top: initial');
  const lib = gitRepo({ Makefile: 'lib make\n' }, 'lib: add Makefile');
  commit(top, { README: null, 'README.md': 'top readme\nline two\nline three\n' }, 'top: README to README.md');
  commit(lib, { Makefile: 'lib make\nlib two\n' }, 'lib: edit Makefile');
  commit(lib, { 'README.md': 'lib readme\n' }, 'lib: add README.md');
  // As git-tools did before git merged it: its Makefile moves away, which git log lists as a delete.
  commit(lib, { Makefile: null, 'tools/Makefile': 'lib make\nlib two\n' }, 'lib: move Makefile to tools/');
  commit(top, { Makefile: 'top make\ntop two\n' }, 'top: edit Makefile');
  git(top, ['fetch', '-q', lib, 'main:lib']);
  git(top, ['merge', '-q', '-s', 'ours', '--no-commit', '--allow-unrelated-histories', 'lib']);
  git(top, ['read-tree', '--prefix=sub/', '-u', 'lib']);
  git(top, ['commit', '-q', '--no-verify', '-m', 'Merge lib as sub/']);
  commit(top, { Makefile: 'top make\ntop two\ntop three\n', 'README.md': 'top readme\nline two\nline three\nfour\n' }, 'top: edit both');
  return top;
}

describe('fileHistory across a subtree merge', () => {
  const follow = (repo: string, path: string) => git(repo, ['log', '--follow', '--format=%H', '--', path]).trim().split('\n');

  it('lists what git log --follow lists, and the top-level file is born in the first commit', async () => {
    const repo = subtreeRepo();
    const { db } = tempDb();
    await indexCommits(db, await findRepo(repo));
    const initial = git(repo, ['rev-list', '--max-parents=0', '--first-parent', 'HEAD']).trim();
    for (const path of ['Makefile', 'README.md']) {
      const history = fileHistory(db, repo, path);
      expect([...history.map((c) => c.sha)].sort()).toEqual(follow(repo, path).sort());
      expect(history.at(-1)?.sha).toBe(initial);
    }
    db.close();
  });

  it('lists an older edit of the old name from a branch merged after the rename, as git does', async () => {
    const repo = gitRepo({ 'old.c': 'one\ntwo\nthree\nfour\n' }, 'add old.c');
    git(repo, ['checkout', '-q', '-b', 'topic']);
    const topicEdit = commit(repo, { 'old.c': 'one\ntwo\nthree\nfour\nfive\n' }, 'topic: edit old.c');
    git(repo, ['checkout', '-q', 'main']);
    commit(repo, { 'old.c': null, 'new.c': 'one\ntwo\nthree\nfour\n' }, 'rename old.c to new.c');
    git(repo, ['merge', '-q', '--no-ff', '-m', 'merge topic', 'topic']);
    const { db } = tempDb();
    await indexCommits(db, await findRepo(repo));
    const history = fileHistory(db, repo, 'new.c').map((c) => c.sha);
    expect(history).toContain(topicEdit);
    expect([...history].sort()).toEqual(follow(repo, 'new.c').sort());
    db.close();
  });
});

describe('enrichCommits', () => {
  it('adds line counts, patch-ids and searchable commit messages after indexing', async () => {
    const { repo, shas } = historyRepo();
    const { db } = tempDb();
    const info = await findRepo(repo);
    await indexCommits(db, info);
    expect(db.prepare('SELECT count(*) AS n FROM messages').get()).toEqual({ n: 0 });
    // A clock that makes the history recent: without it, a repository without remotes keeps the
    // old history of its first index without patch-ids (test/git/enrich.test.ts).
    expect(await enrichCommits(db, info, { now: () => Date.parse('2026-01-01T00:00:00Z') })).toEqual({ enriched: 7, remaining: 0, unreadable: 0 });

    const row = (sha: string, path: string) => db.prepare('SELECT added, removed FROM commit_files WHERE commit_id = (SELECT id FROM commits WHERE sha = ?) AND path = ?').get(sha, path);
    expect(row(shas.last, 'lib/b2.ts')).toEqual({ added: 2, removed: 1 });
    expect(row(shas.rename, 'lib/b2.ts')).toEqual({ added: 0, removed: 0 });
    expect(row(shas.sideEdit, 'a.ts')).toEqual({ added: 1, removed: 0 });
    expect(getCommit(db, repo, shas.addB)?.patchId).toBe(patchIdOf(repo, shas.addB));
    expect(getCommit(db, repo, shas.addB)?.patchId).toMatch(/^[0-9a-f]{40}$/);
    expect(getCommit(db, repo, shas.merge)?.patchId).toBeNull();

    const msg = db.prepare("SELECT id, session_id, role, content, created_at, json_extract(metadata, '$.kind') AS kind FROM messages WHERE id = ?").get(`git:${repo}:${shas.merge}`);
    expect(msg).toEqual({
      id: `git:${repo}:${shas.merge}`,
      session_id: `git:${repo}`,
      role: 'system',
      content: 'merge side',
      created_at: new Date(Number(git(repo, ['log', '-1', '--format=%ct', shas.merge])) * 1000).toISOString(),
      kind: 'commit',
    });
    const hits = db.prepare("SELECT m.id FROM messages_fts JOIN messages m ON m.rowid = messages_fts.rowid WHERE messages_fts MATCH 'lib'").all();
    expect(hits).toEqual([{ id: `git:${repo}:${shas.rename}` }]);
    expect(await enrichCommits(db, info)).toEqual({ enriched: 0, remaining: 0, unreadable: 0 });
    db.close();
  });

  it('leaves everything for later when more commits wait than the limit', async () => {
    const { repo } = historyRepo();
    const { db } = tempDb();
    const info = await findRepo(repo);
    await indexCommits(db, info);
    expect(await enrichCommits(db, info, { limit: 3 })).toEqual({ enriched: 0, remaining: 7, unreadable: 0 });
    expect(await enrichCommits(db, info, { batchSize: 2 })).toEqual({ enriched: 7, remaining: 0, unreadable: 0 });
    expect(db.prepare('SELECT count(*) AS n FROM messages').get()).toEqual({ n: 7 });
    db.close();
  });

  it('runs as part of catchUp, which reports what is left', async () => {
    const { repo } = historyRepo();
    const { db } = tempDb();
    const info = await findRepo(repo);
    const r = await catchUp(db, info, undefined, { enrichLimit: 2 });
    expect(r.commits.added).toBe(7);
    expect(r.details).toEqual({ enriched: 0, remaining: 7, unreadable: 0 });
    expect((await catchUp(db, info)).details).toEqual({ enriched: 7, remaining: 0, unreadable: 0 });
    db.close();
  });
});

function patchIdOf(repo: string, sha: string): string {
  const patch = git(repo, ['show', '--format=commit %H', sha]);
  return execFileSync('git', ['patch-id', '--stable'], { cwd: repo, input: patch, encoding: 'utf8' }).split(' ')[0]!;
}
