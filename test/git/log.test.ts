import { describe, expect, it } from 'vitest';
import { parseChanges, parseCommit, readLog, type CommitRecord } from '../../src/git/index.js';
import { commit, git, gitRepo } from '../helpers/git-repo.js';

const US = '\x1f';
const SHA_A = 'a'.repeat(40);
const SHA_B = 'b'.repeat(40);
const SHA_C = 'c'.repeat(40);
const BLOB = '1'.repeat(40);
const ZERO = '0'.repeat(40);
const raw = (status: string, ...paths: string[]) => `:100644 100644 ${BLOB} ${BLOB} ${status}\0${paths.join('\0')}\0`;

/** A record as `git log -z --raw --numstat --format=LOG_FORMAT` prints it, without the leading RS. */
function record(fields: string[], tail: string): string {
  return fields.join(US) + US + '\0\n' + tail;
}

describe('parseChanges', () => {
  it('reads a rename with its old path and line counts from the numstat entry', () => {
    const tail = raw('R087', 'src/old.ts', 'src/new.ts') + '3\t1\t\0src/old.ts\0src/new.ts\0';
    expect(parseChanges(tail)).toEqual([{ path: 'src/new.ts', status: 'R', oldPath: 'src/old.ts', added: 3, removed: 1 }]);
  });

  it('reads a copy as status C with the source path', () => {
    const tail = raw('C100', 'a.ts', 'b.ts') + '0\t0\t\0a.ts\0b.ts\0';
    expect(parseChanges(tail)).toEqual([{ path: 'b.ts', status: 'C', oldPath: 'a.ts', added: 0, removed: 0 }]);
  });

  it('leaves line counts undefined for a binary file (numstat `-\\t-`)', () => {
    const tail = raw('M', 'img/logo.png') + '-\t-\timg/logo.png\0';
    expect(parseChanges(tail)).toEqual([{ path: 'img/logo.png', status: 'M' }]);
  });

  it('keeps paths with spaces, tabs and non-ASCII characters intact', () => {
    const tail = raw('A', 'docs/my notes é.md') + raw('M', 'we\tird/日本.ts') + '2\t0\tdocs/my notes é.md\0' + '1\t1\twe\tird/日本.ts\0';
    expect(parseChanges(tail)).toEqual([
      { path: 'docs/my notes é.md', status: 'A', added: 2, removed: 0 },
      { path: 'we\tird/日本.ts', status: 'M', added: 1, removed: 1 },
    ]);
  });

  it('reads add, delete and type change, and the raw part alone when there is no numstat', () => {
    const tail = raw('A', 'n.ts') + raw('D', 'gone.ts') + raw('T', 'link');
    expect(parseChanges(tail)).toEqual([
      { path: 'n.ts', status: 'A' },
      { path: 'gone.ts', status: 'D' },
      { path: 'link', status: 'T' },
    ]);
  });

  it('returns nothing for an empty commit', () => {
    expect(parseChanges('')).toEqual([]);
    expect(parseChanges('\n')).toEqual([]);
  });
});

describe('parseCommit', () => {
  const fields = [SHA_A, `${SHA_B} ${SHA_C}`, 'Ada Lovelace', 'ada@example.com', 'Ada Lovelace (aider)', '1700000000', '1700000060', 'Merge branch side'];

  it('reads a merge commit with both parents and no file changes', () => {
    const c = parseCommit(record([...fields, ''], ''));
    expect(c).toEqual({
      sha: SHA_A,
      parents: [SHA_B, SHA_C],
      authorName: 'Ada Lovelace',
      authorEmail: 'ada@example.com',
      committerName: 'Ada Lovelace (aider)',
      authoredAt: 1700000000,
      committedAt: 1700000060,
      subject: 'Merge branch side',
      body: '',
      files: [],
    });
  });

  it('reads a root commit (no parents) and keeps a body that contains the field separator', () => {
    const c = parseCommit(record([SHA_A, '', 'A', 'a@x', 'A', '1', '2', 'root', `line one${US}still body\n\n`], raw('A', 'README.md')));
    expect(c?.parents).toEqual([]);
    expect(c?.body).toBe(`line one${US}still body`);
    expect(c?.files).toEqual([{ path: 'README.md', status: 'A' }]);
  });

  it('rejects a record without a valid sha or with missing fields', () => {
    expect(parseCommit(record(['not-a-sha', '', 'A', 'a@x', 'A', '1', '2', 's', ''], ''))).toBeUndefined();
    expect(parseCommit(`${SHA_A}${US}${ZERO}`)).toBeUndefined();
  });
});

describe('readLog on a real repository', () => {
  it('parses what git prints: renames, binary files, unicode and spaces, empty and merge commits', async () => {
    const repo = gitRepo({ 'a b/é.txt': 'one\ntwo\n', 'bin.dat': '\0\x01' }, 'root');
    commit(repo, { 'a b/é.txt': null, 'moved/é é.txt': 'one\ntwo\n', 'bin.dat': '\0\x02' }, 'rename and binary');
    commit(repo, {}, 'nothing changed', { args: ['--allow-empty'] });
    git(repo, ['checkout', '-q', '-b', 'side']);
    commit(repo, { 'side.txt': 'side\n' }, 'side work');
    git(repo, ['checkout', '-q', 'main']);
    commit(repo, { 'main.txt': 'main\n' }, 'main work');
    git(repo, ['merge', '-q', '--no-ff', '-m', 'merge side', 'side']);

    const commits: CommitRecord[] = [];
    await readLog(repo, ['--topo-order', '--reverse', '--numstat', 'HEAD'], (c) => commits.push(c));
    const bySubject = new Map(commits.map((c) => [c.subject, c]));
    expect(commits).toHaveLength(6);
    expect(commits[0]?.subject).toBe('root');
    expect(commits[5]?.subject).toBe('merge side');
    expect(bySubject.get('root')?.parents).toEqual([]);
    expect(bySubject.get('rename and binary')?.files).toEqual([
      { path: 'bin.dat', status: 'M' },
      { path: 'moved/é é.txt', status: 'R', oldPath: 'a b/é.txt', added: 0, removed: 0 },
    ]);
    expect(bySubject.get('nothing changed')?.files).toEqual([]);
    expect(bySubject.get('merge side')?.parents).toHaveLength(2);
    expect(bySubject.get('merge side')?.files).toEqual([]);
    expect(bySubject.get('side work')?.files).toEqual([{ path: 'side.txt', status: 'A', added: 1, removed: 0 }]);
  });
});
