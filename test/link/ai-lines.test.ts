import { describe, expect, it } from 'vitest';
import { catchUp } from '../../src/app/index.js';
import { aiLinesOfCommit, forgetSession } from '../../src/db/index.js';
import { aiLineOwners, countAiLines, editWrittenLines, lineOwners } from '../../src/link/ai-lines.js';
import { ChatRows } from '../helpers/chat-rows.js';
import { caughtUpRepo } from '../helpers/caught-up-repo.js';
import { commit } from '../helpers/git-repo.js';

const GREET = 'export function greet(name: string): string {\n  return `hello ${name}`;\n}\n';

/** A Claude Code session that wrote src/greet.ts, its commit, and one catch-up that linked it. */
async function greetLinked() {
  const { dir, repo, db } = await caughtUpRepo({ 'README.md': '# demo\n' }, '2026-02-01T10:00:00Z');
  const s = new ChatRows(db, repo.root, 'claude-code:s1');
  s.prompt('add a greet function', '2026-02-01T10:01:00.000Z');
  s.edit('src/greet.ts', '2026-02-01T10:02:00.000Z', { new: GREET });
  const sha = commit(dir, { 'src/greet.ts': GREET }, 'greet', { date: '2026-02-01T10:05:00Z' });
  await catchUp(db, repo);
  return { repo, db, sha };
}

describe('AI-written lines per commit', () => {
  it('counts each written line once, and a fragment inside an added line', () => {
    expect(editWrittenLines({ oldText: 'a\nb', newText: 'a\nc\nd\n', patch: null })).toEqual(['c', 'd']);
    expect(editWrittenLines({ oldText: null, newText: null, patch: '@@ -1 +1,2 @@\n x\n+y\n+}' })).toEqual(['y', '}']);
    // A new file (no old text, or an empty one) wrote every line, blank ones included.
    for (const oldText of [null, '']) expect(editWrittenLines({ oldText, newText: 'a\n\nb\n\nc\n', patch: null })).toEqual(['a', '', 'b', '', 'c']);
    // Two added `}` but the edit wrote one; `greet(name = 'x')` is a fragment of the added line.
    const counts = countAiLines(aiLineOwners(['}', '}', "  return greet(name = 'x');", 'by hand'], [{ key: 'claude-code', lines: ['}', "greet(name = 'x')"] }]));
    expect(counts).toEqual(new Map([['claude-code', 2]]));
  });

  it('gives a line to the newer edit, every line to the commit Aider names, and nothing for other evidence', () => {
    const edit = (id: string, createdAt: string, newText: string) => ({ id, createdAt, oldText: null, newText, patch: null });
    const older = edit('e1', '2026-02-01T10:00:00Z', 'const a = 1;\nconst b = 2;\n');
    const newer = edit('e2', '2026-02-01T10:05:00Z', 'const b = 2;\n');
    const links = [
      { who: 'first', evidence: 'edit-text', edits: [older] },
      // The same edit named twice counts once, for the link that named it first.
      { who: 'second', evidence: 'edit-text-partial', edits: [newer, older] },
      { who: 'by time', evidence: 'edit-window', edits: [edit('e3', '2026-02-01T10:09:00Z', 'typed by hand;\n')] },
    ];
    const added = ['const a = 1;', 'const b = 2;', 'typed by hand;'];
    expect(lineOwners(added, links, (l) => l.who)).toEqual(['first', 'second', undefined]);
    expect(lineOwners(added, [...links, { who: 'aider', evidence: 'aider-commit', edits: [] }], (l) => l.who)).toEqual(['aider', 'aider', 'aider']);
    // An Aider link with no writer to name leaves the edits to speak.
    expect(lineOwners(added, [...links, { who: undefined, evidence: 'aider-commit', edits: [] }], (l) => l.who)).toEqual(['first', 'second', undefined]);
  });

  it('stores, per file and tool, the added lines the linked edits wrote, and none for a hand-written file', async () => {
    const { dir, repo, db } = await caughtUpRepo({ 'README.md': '# demo\n' }, '2026-02-01T10:00:00Z');
    const s = new ChatRows(db, repo.root, 'claude-code:s1');
    s.prompt('add a greet function', '2026-02-01T10:01:00.000Z');
    s.edit('src/greet.ts', '2026-02-01T10:02:00.000Z', { new: GREET });
    // The user adds two lines of their own to the AI's three before committing.
    const file = GREET + '\n// tweaked by hand afterwards\n';
    const sha = commit(dir, { 'src/greet.ts': file, 'docs/notes.md': 'notes written by hand\n' }, 'greet', { date: '2026-02-01T10:05:00Z' });
    await catchUp(db, repo);
    expect(aiLinesOfCommit(db, repo.root, sha)).toEqual([{ path: 'src/greet.ts', tool: 'claude-code', lines: 3 }]);
    const added = db.prepare('SELECT path, added FROM commit_files f JOIN commits c ON c.id = f.commit_id WHERE c.sha = ? ORDER BY path').all(sha);
    expect(added).toEqual([
      { path: 'docs/notes.md', added: 1 },
      { path: 'src/greet.ts', added: 5 },
    ]);
  });

  it("counts all of a file Aider's own commit line names as Aider's", async () => {
    const { dir, repo, db } = await caughtUpRepo({ 'README.md': '# demo\n' }, '2026-02-01T10:00:00Z');
    const sha = commit(dir, { 'src/a.ts': 'export const alpha = 1;\nexport const alpha2 = 2;\n' }, 'feat: alpha', { date: '2026-02-01T10:05:00Z' });
    const s = new ChatRows(db, repo.root, 'aider:s4', 'aider');
    s.prompt('add alpha', '2026-02-01T10:04:00.000Z');
    s.message('assistant', 'text', '> Applied edit to src/a.ts\n> Commit ' + sha.slice(0, 7), '2026-02-01T10:05:30.000Z', {
      appliedEdits: ['src/a.ts'],
      commits: [{ sha: sha.slice(0, 7), message: 'feat: alpha' }],
    });
    await catchUp(db, repo);
    expect(aiLinesOfCommit(db, repo.root, sha)).toEqual([{ path: 'src/a.ts', tool: 'aider', lines: 2 }]);
  });

  it('counts commits linked before the count existed on the next run', async () => {
    const { repo, db, sha } = await greetLinked();
    // As a database linked before migration 0015 has it.
    db.prepare('UPDATE linked_commits SET ai_counted = NULL WHERE sha = ?').run(sha);
    db.prepare('DELETE FROM commit_ai_lines').run();
    await catchUp(db, repo);
    expect(aiLinesOfCommit(db, repo.root, sha)).toEqual([{ path: 'src/greet.ts', tool: 'claude-code', lines: 3 }]);
  });

  it('counts a commit again without the lines of a forgotten session', async () => {
    const { repo, db, sha } = await greetLinked();
    expect(aiLinesOfCommit(db, repo.root, sha)).toHaveLength(1);
    forgetSession(db, 'claude-code:s1', 'forgotten');
    expect(aiLinesOfCommit(db, repo.root, sha)).toEqual([]);
    await catchUp(db, repo);
    expect(aiLinesOfCommit(db, repo.root, sha)).toEqual([]);
    expect(db.prepare('SELECT ai_counted FROM linked_commits WHERE sha = ?').get(sha)).toEqual({ ai_counted: 1 });
  });
});
