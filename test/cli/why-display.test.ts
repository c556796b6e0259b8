import { describe, expect, it } from 'vitest';
import { resolveDbPath } from '../../src/config/index.js';
import { getCommit, openDb } from '../../src/db/index.js';
import { ChatRows } from '../helpers/chat-rows.js';
import { runCli } from '../helpers/cli.js';
import { commit, git, gitRepo } from '../helpers/git-repo.js';

// What `lore why` shows on histories as users have them (issue 12, "What `lore why` shows"):
// rewritten history, old names, many changes of which a few have requests, Aider's sessions.

const whyJson = (dir: string, target: string) => {
  const r = runCli(['why', target, '--json'], { cwd: dir });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
};
const gitLog = (dir: string, path: string) => git(dir, ['log', '--follow', '--format=%H', '--', path]).trim().split('\n');

describe('lore why after history was rewritten', () => {
  it('lists only commits reachable from HEAD after --amend, and keeps the old one stored', () => {
    const dir = gitRepo({ 'src/a.ts': 'export const a = 1;\n' }, 'add a');
    const first = commit(dir, { 'src/a.ts': 'export const a = 2;\n' }, 'a is two');
    expect(whyJson(dir, 'src/a.ts').total).toBe(2);
    git(dir, ['commit', '-q', '--amend', '-m', 'a is two, amended']);
    const amended = git(dir, ['rev-parse', 'HEAD']).trim();
    expect(amended).not.toBe(first);

    const j = whyJson(dir, 'src/a.ts');
    expect(j.changes.map((c: { sha: string }) => c.sha)).toEqual(gitLog(dir, 'src/a.ts'));
    expect(j.total).toBe(2);
    expect(runCli(['why', 'src/a.ts'], { cwd: dir }).stdout.split('\n')[0]).toBe('src/a.ts  2 commits');
    // Kept for carrying links over to the new commit.
    const db = openDb(resolveDbPath(process.env));
    expect(getCommit(db, dir, first)?.subject).toBe('a is two');
    db.close();
  });

  it('drops commits a reset --hard left behind, and lists them again when they come back', () => {
    const dir = gitRepo({ 'a.md': 'one\n' }, 'one');
    commit(dir, { 'a.md': 'one\ntwo\n' }, 'two');
    const three = commit(dir, { 'a.md': 'one\ntwo\nthree\n' }, 'three');
    expect(whyJson(dir, 'a.md').total).toBe(3);
    git(dir, ['reset', '-q', '--hard', 'HEAD~1']);
    expect(whyJson(dir, 'a.md').changes.map((c: { subject: string }) => c.subject)).toEqual(['two', 'one']);
    git(dir, ['reset', '-q', '--hard', three]);
    expect(whyJson(dir, 'a.md').changes.map((c: { subject: string }) => c.subject)).toEqual(['three', 'two', 'one']);
  });

  it('lists only the rebased commits after a rebase', () => {
    const dir = gitRepo({ 'a.md': 'one\n', 'b.md': 'b\n' }, 'base');
    git(dir, ['checkout', '-q', '-b', 'topic']);
    commit(dir, { 'a.md': 'one\ntopic\n' }, 'topic change');
    expect(whyJson(dir, 'a.md').total).toBe(2);
    git(dir, ['checkout', '-q', 'main']);
    commit(dir, { 'b.md': 'b\nmain\n' }, 'main change');
    git(dir, ['checkout', '-q', 'topic']);
    git(dir, ['rebase', '-q', 'main'], { GIT_COMMITTER_DATE: '2026-03-01T00:00:00Z' });
    const j = whyJson(dir, 'a.md');
    expect(j.changes.map((c: { sha: string }) => c.sha)).toEqual(gitLog(dir, 'a.md'));
    expect(j.total).toBe(2);
  });
});

describe('lore why OLD_PATH after a rename', () => {
  it('says the file was renamed and shows its history under the new name', () => {
    const dir = gitRepo({ 'src/parse.ts': 'export const a = 1;\nexport const b = 2;\n' }, 'create the parser');
    commit(dir, { 'src/parse.ts': 'export const a = 1;\nexport const b = 3;\n' }, 'b is three');
    const moved = commit(dir, { 'src/parse.ts': null, 'lib/parser.ts': 'export const a = 1;\nexport const b = 3;\n' }, 'move the parser');
    commit(dir, { 'lib/parser.ts': 'export const a = 1;\nexport const b = 4;\n' }, 'b is four');

    const r = runCli(['why', 'src/parse.ts'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).not.toContain('deleted');
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('src/parse.ts  4 commits');
    expect(lines[1]).toMatch(new RegExp(`^Renamed to lib/parser.ts in ${moved.slice(0, 10)} \\(2026-\\d\\d-\\d\\d\\); created `));
    expect(r.stdout).toContain('b is four');
    expect(r.stdout).toContain('create the parser');

    const j = whyJson(dir, 'src/parse.ts');
    expect(j.file).toBe('lib/parser.ts');
    expect(j.renamed).toMatchObject({ from: 'src/parse.ts', to: 'lib/parser.ts', sha: moved });
    expect(j.total).toBe(4);
    expect(j.graph.deleted).toBe(false);
    expect(whyJson(dir, 'lib/parser.ts').renamed).toBeNull();
  });

  it('blames OLD_PATH:LINE in the last version of the old name, and lore related counts the whole history', () => {
    const dir = gitRepo({ 'src/parse.ts': 'export const a = 1;\nexport const b = 2;\n' }, 'create the parser');
    const three = commit(dir, { 'src/parse.ts': 'export const a = 1;\nexport const b = 3;\n' }, 'b is three');
    const moved = commit(dir, { 'src/parse.ts': null, 'lib/parser.ts': 'export const a = 1;\nexport const b = 3;\n' }, 'move the parser');
    // Line 2 of the new file is another line now: an old reference means the old file's line.
    commit(dir, { 'lib/parser.ts': '// the parser\nexport const a = 1;\nexport const b = 4;\n' }, 'b is four');

    const j = whyJson(dir, 'src/parse.ts:2');
    expect(j).toMatchObject({ file: 'lib/parser.ts', line: 2, lineRev: `${moved}^`, total: 4 });
    expect(j.blamed).toMatchObject({ sha: three, subject: 'b is three' });
    expect(j.renamed).toMatchObject({ from: 'src/parse.ts', to: 'lib/parser.ts', sha: moved });
    const text = runCli(['why', 'src/parse.ts:2'], { cwd: dir }).stdout.split('\n');
    expect(text[0]).toBe('src/parse.ts:2  4 commits');
    const at = text.findIndex((l) => l.startsWith('Line 2 last changed'));
    expect(text[at]).toBe(`Line 2 last changed (in src/parse.ts as of ${moved.slice(0, 10)}^, before it was renamed)`);
    expect(text[at + 1]).toContain('b is three');
    expect(whyJson(dir, 'lib/parser.ts:2')).toMatchObject({ lineRev: null, blamed: { subject: 'create the parser' } });
    expect(runCli(['why', 'src/parse.ts:3'], { cwd: dir }).stderr).toBe('lore: src/parse.ts has 2 lines; line 3 does not exist\nhint: pass a line between 1 and 2\n');

    const rel = runCli(['related', 'src/parse.ts', '--json'], { cwd: dir });
    expect(rel.code).toBe(0);
    const r = JSON.parse(rel.stdout);
    expect(r).toMatchObject({ file: 'lib/parser.ts', renamed: { from: 'src/parse.ts', to: 'lib/parser.ts', sha: moved } });
    // The same count as `lore why` gives, under either name.
    expect(r.changedTogether.commits).toBe(4);
    expect(JSON.parse(runCli(['related', 'lib/parser.ts', '--json'], { cwd: dir }).stdout).changedTogether.commits).toBe(j.total);
    expect(runCli(['related', 'src/parse.ts'], { cwd: dir }).stdout.split('\n').slice(0, 2)).toEqual([
      'lib/parser.ts',
      `src/parse.ts was renamed to lib/parser.ts in ${moved.slice(0, 10)} (${j.renamed.date.slice(0, 10)}): its whole history is counted`,
    ]);
  });

  it('blames DELETED:LINE in the file as it was before the deletion', () => {
    const dir = gitRepo({ 'old.md': 'one\ntwo\n', 'keep.md': 'k\n' }, 'start');
    const two = commit(dir, { 'old.md': 'one\nTWO\n' }, 'shout two');
    const gone = commit(dir, { 'old.md': null }, 'drop old.md');
    const j = whyJson(dir, 'old.md:2');
    expect(j).toMatchObject({ lineRev: `${gone}^`, blamed: { sha: two } });
    expect(j.summary.text).toContain('deleted');
  });
});

describe('lore why on a file with many changes, a few of them requested', () => {
  it('lists the changes that have requests first and counts them in the summary', () => {
    const dir = gitRepo({ 'notes.md': 'line 0\n' }, 'start the notes', );
    expect(runCli(['index', '-q'], { cwd: dir }).code).toBe(0);
    const db = openDb(resolveDbPath(process.env));
    const s = new ChatRows(db, dir, 'claude-code:5e1f2a3b-aaaa-bbbb-cccc-000000000001');
    let text = 'line 0\n';
    const requested: string[] = [];
    for (let i = 1; i <= 14; i++) {
      text += `line ${i} says something new about number ${i}\n`;
      const at = `2026-05-0${1 + Math.floor(i / 5)}T1${i % 10}:00:00Z`;
      if (i === 2 || i === 3) {
        s.prompt(`Add line ${i} to notes.md`, at.replace(':00:00Z', ':01:00.000Z'));
        s.edit('notes.md', at.replace(':00:00Z', ':02:00.000Z'), { new: text });
      }
      const author = i === 3 ? 'Paul Gauthier (aider)' : 'Test Author';
      const sha = commit(dir, { 'notes.md': text }, `notes ${i}`, { date: at.replace(':00:00Z', ':05:00Z'), author });
      if (i === 2 || i === 3) requested.push(sha);
    }
    db.close();

    const j = whyJson(dir, 'notes.md');
    expect(j.total).toBe(15);
    expect(j.changes.filter((c: { requests: unknown[] }) => c.requests.length > 0).map((c: { sha: string }) => c.sha)).toEqual(requested.reverse());
    expect(j.summary.text).toContain('2 of 14 changes have a recorded request');
    expect(j.summary.withRequests).toBe(2);

    const r = runCli(['why', 'notes.md'], { cwd: dir });
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[1]).toContain('2 of 14 changes have a recorded request');
    const since = lines.findIndex((l) => l.startsWith('Changes since'));
    const shown = lines.slice(since + 1).filter((l) => /^ {2}[0-9a-f]{10} /.test(l));
    expect(shown).toHaveLength(10);
    expect(shown[0]).toContain('notes 3');
    expect(shown[0]).toContain('Paul Gauthier (aider)');
    expect(shown[1]).toContain('notes 2');
    expect(shown[2]).toContain('notes 14');
    expect(r.stdout).toContain('← "Add line 3 to notes.md"');
    expect(r.stdout).toContain('← "Add line 2 to notes.md"');
    expect(r.stdout).toContain('… 4 more changes: lore why notes.md --all');
    // --all lists every change, newest first (after the origin).
    const all = runCli(['why', 'notes.md', '--all'], { cwd: dir }).stdout.split('\n').filter((l) => /^ {2}[0-9a-f]{10} /.test(l));
    expect(all.map((l) => /notes (\d+)$/.exec(l)?.[1])).toEqual([undefined, '14', '13', '12', '11', '10', '9', '8', '7', '6', '5', '4', '3', '2', '1']);
  });
});

describe('session ids in lore why', () => {
  it('gives each Aider session of one chat history a distinct id that lore show takes', () => {
    const dir = gitRepo({ 'README.md': '# demo\n' }, 'start');
    expect(runCli(['index', '-q'], { cwd: dir }).code).toBe(0);
    const db = openDb(resolveDbPath(process.env));
    // Aider's sessions are `<hash of the history file>-<byte offset of the session>`: one history
    // file, many sessions, the same first characters; one offset may start another.
    const first = new ChatRows(db, dir, 'aider:0123456789ab-10', 'aider');
    first.prompt('Write src/one.ts exporting the constant one', '2026-06-01T10:00:00.000Z');
    first.edit('src/one.ts', '2026-06-01T10:00:30.000Z', { new: 'export const one = 1;\n' });
    const second = new ChatRows(db, dir, 'aider:0123456789ab-1024', 'aider');
    second.prompt('Add the constant two to src/one.ts', '2026-06-02T10:00:00.000Z');
    second.edit('src/one.ts', '2026-06-02T10:00:30.000Z', { new: 'export const one = 1;\nexport const two = 2;\n' });
    db.close();
    commit(dir, { 'src/one.ts': 'export const one = 1;\n' }, 'one', { date: '2026-06-01T10:01:00Z' });
    commit(dir, { 'src/one.ts': 'export const one = 1;\nexport const two = 2;\n' }, 'two', { date: '2026-06-02T10:01:00Z' });

    const r = runCli(['why', 'src/one.ts'], { cwd: dir });
    expect(r.code).toBe(0);
    const ids = [...r.stdout.matchAll(/aider session (\S+),/g)].map((m) => m[1]!);
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(2);
    for (const id of ids) {
      const shown = runCli(['show', id, '--json'], { cwd: dir });
      expect(shown.stderr).toBe('');
      expect(shown.code).toBe(0);
      expect(JSON.parse(shown.stdout).session.id).toBe(`aider:${id}`);
    }
  });
});

describe('lore related across renames', () => {
  it('counts the changes of every name the file had, as why does', () => {
    const dir = gitRepo({ 'src/parse.md': 'parse\n', 'src/other.md': 'other\n' }, 'parse and other');
    expect(runCli(['index', '-q'], { cwd: dir }).code).toBe(0);
    const db = openDb(resolveDbPath(process.env));
    const s = new ChatRows(db, dir, 'claude-code:7a7a7a7a-aaaa-bbbb-cccc-000000000001');
    s.prompt('Touch up parse.md and util.md', '2026-07-01T10:00:00.000Z');
    s.edit('src/parse.md', '2026-07-01T10:00:10.000Z', { new: 'parse\nmore\n' });
    s.edit('src/util.md', '2026-07-01T10:00:20.000Z', { new: 'util\n' });
    db.close();
    commit(dir, { 'src/parse.md': 'parse\nmore\n', 'src/util.md': 'util\n' }, 'parse and util', { date: '2026-07-01T10:01:00Z' });
    commit(dir, { 'src/parse.md': null, 'lib/parser.md': 'parse\nmore\n' }, 'move parse');
    commit(dir, { 'lib/parser.md': 'parse\nmore\nstill more\n', 'lib/x.md': 'x\n' }, 'parser and x');

    const total = whyJson(dir, 'lib/parser.md').total;
    expect(total).toBe(4);
    const r = runCli(['related', 'lib/parser.md', '--json'], { cwd: dir });
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.changedTogether.commits).toBe(total);
    expect(j.changedTogether.files.map((f: { path: string }) => f.path).sort()).toEqual(['lib/x.md', 'src/other.md', 'src/util.md']);
    expect(j.sameRequests.requests).toBe(1);
    expect(j.sameRequests.files.map((f: { path: string }) => f.path)).toEqual(['src/util.md']);
  });
});
