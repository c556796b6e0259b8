import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pr, stats } from '../../src/app/index.js';
import { silent } from '../../src/events.js';
import { ChatRows } from '../helpers/chat-rows.js';
import { caughtUpRepo } from '../helpers/caught-up-repo.js';
import { runCli } from '../helpers/cli.js';
import { commit, git } from '../helpers/git-repo.js';

const GREET = 'export function greet(name: string): string {\n  return `hello ${name}`;\n}\n';

/** main with one commit; a branch with an AI change (3 of its 5 added lines from the edit) and a hand-written one. */
async function branch() {
  const { dir, repo, db } = await caughtUpRepo({ 'README.md': '# demo\n' }, '2026-02-02T10:00:00Z');
  git(dir, ['checkout', '-q', '-b', 'feature']);
  const s = new ChatRows(db, repo.root, 'claude-code:4f70b41d-1111-2222-3333-444455556666');
  const request = s.prompt('add a greet function', '2026-02-02T10:01:00.000Z');
  s.edit('src/greet.ts', '2026-02-02T10:02:00.000Z', { new: GREET });
  const ai = commit(dir, { 'src/greet.ts': GREET + '\n// tweaked by hand\n' }, 'greet', { date: '2026-02-02T10:05:00Z' });
  const hand = commit(dir, { 'docs/notes.md': 'notes\nwritten by hand\n' }, 'notes', { date: '2026-02-09T10:05:00Z' });
  const place = { cwd: dir, db: join(dir, '.git', 'test-lore.db') };
  return { dir, db, place, request, ai, hand };
}

describe('lore pr', () => {
  it("lists the branch's requests with their files, the AI share of added lines, and the commits with no request", async () => {
    const { place, request, ai, hand } = await branch();
    const r = await pr(place, undefined, silent); // default: from where HEAD left main
    expect(r.range.spec).toBe('main..HEAD');
    expect(r.commits.map((c) => c.sha)).toEqual([ai, hand]);
    expect(r.requests).toEqual([
      expect.objectContaining({ id: request, text: 'add a greet function', tool: 'claude-code', files: [{ path: 'src/greet.ts', commits: [ai] }] }),
    ]);
    // 5 lines added to src/greet.ts, 3 of them the edit's; 2 in docs/notes.md by hand.
    expect(r.aiLines).toEqual({ lines: 3, added: 7, byTool: { 'claude-code': 3 }, uncounted: 0 });
    expect(r.commits.find((c) => c.sha === ai)).toMatchObject({ added: 5, aiLines: 3, byTool: { 'claude-code': 3 } });
    expect(r.unexplained).toEqual([hand]);
  });

  it('prints Markdown without colour for gh pr create, and --json; a bad range is one line and exit 2', async () => {
    const { dir, place, ai, hand } = await branch();
    const out = runCli(['pr', 'main..feature', '--db', place.db], { cwd: dir });
    expect(out.code).toBe(0);
    expect(out.stdout).not.toMatch(/\x1b/);
    expect(out.stdout).toContain('## Requests behind this change');
    expect(out.stdout).toContain('1. "add a greet function"');
    expect(out.stdout).toContain('_claude-code · session 4f70b41d · 2026-02-02_');
    expect(out.stdout).toContain(`   - \`src/greet.ts\` (${ai.slice(0, 7)})`);
    expect(out.stdout).toContain('3 of 7 added lines (43%) came from AI edits: claude-code 3.');
    expect(out.stdout).toContain(`- ${hand.slice(0, 7)} notes`);
    const json = runCli(['pr', 'main..feature', '--json', '--db', place.db], { cwd: dir });
    expect(JSON.parse(json.stdout)).toMatchObject({ schema: 'lore.pr/1', aiLines: { lines: 3, added: 7 }, unexplained: [hand] });
    const bad = runCli(['pr', 'nope..feature', '--db', place.db], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/nope is not a commit of this repository/);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    // On the default branch itself there is nothing to describe: one line that says so, exit 2.
    git(dir, ['checkout', '-q', 'main']);
    const empty = runCli(['pr', '--db', place.db], { cwd: dir });
    expect(empty.code).toBe(2);
    expect(empty.stdout).toBe('');
    expect(empty.stderr).toMatch(/^lore: main\.\.HEAD has no commits\nhint: HEAD has not left main: /);
  });
});

describe('lore why', () => {
  it("shows the AI-written share of each change's lines, and in --json", async () => {
    const { dir, place, ai } = await branch();
    const out = runCli(['why', 'src/greet.ts', '--db', place.db], { cwd: dir });
    expect(out.stdout).toMatch(new RegExp(`${ai.slice(0, 10)} .*greet\\n {6}← "add a greet function" .*\\n {6}AI 3/5 lines \\(claude-code\\)\\n`));
    const json = JSON.parse(runCli(['why', 'src/greet.ts', '--json', '--db', place.db], { cwd: dir }).stdout) as { changes: { aiLines: unknown; added: number }[] };
    expect(json.changes[0]).toMatchObject({ added: 5, aiLines: { lines: 3, byTool: { 'claude-code': 3 } } });
  });
});

describe('lore stats', () => {
  it('sums AI-written lines per tool, per file and per week', async () => {
    const { place } = await branch();
    const r = await stats(place, {}, silent);
    expect(r.total).toEqual({ added: 1 + 5 + 2, ai: 3, byTool: { 'claude-code': 3 } });
    expect(r.byTool).toEqual([{ tool: 'claude-code', lines: 3 }]);
    expect(r.byFile).toEqual([{ path: 'src/greet.ts', added: 5, ai: 3, byTool: { 'claude-code': 3 } }]);
    expect(r.byWeek).toEqual([
      { week: '2026-02-02', added: 6, ai: 3, byTool: { 'claude-code': 3 } },
      { week: '2026-02-09', added: 2, ai: 0, byTool: {} },
    ]);
    const docs = await stats(place, { path: 'docs', since: '2026-02-03' }, silent);
    expect(docs.total).toEqual({ added: 2, ai: 0, byTool: {} });
  });

  it('says a PATH that is neither in the repository nor in its history is unknown (exit 2)', async () => {
    const { dir, place } = await branch();
    const typo = runCli(['stats', 'src/gret.ts', '--db', place.db], { cwd: dir });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/^lore: src\/gret.ts: no file or folder of that name/);
    // A path with history but nothing since the date is an answer: 0 lines.
    expect((await stats(place, { path: 'docs', since: '2026-03-01' }, silent)).total).toEqual({ added: 0, ai: 0, byTool: {} });
  });

  it('counts what HEAD reaches: a commit rewritten by --amend is counted once', async () => {
    const { dir, place } = await branch();
    await stats(place, {}, silent); // the hand-written commit is stored before it is rewritten
    git(dir, ['commit', '-q', '--amend', '-m', 'notes, reworded']);
    const r = await stats(place, {}, silent);
    expect(r.total).toEqual({ added: 1 + 5 + 2, ai: 3, byTool: { 'claude-code': 3 } });
  });

  it('prints the shares as a reader takes them: a few AI lines among many are not "0%"', async () => {
    const { dir, place } = await branch();
    commit(dir, { 'data/table.txt': Array.from({ length: 700 }, (_, i) => `row ${i}`).join('\n') + '\n' }, 'a table, by hand', { date: '2026-02-10T10:00:00Z' });
    const out = runCli(['stats', '--db', place.db], { cwd: dir });
    expect(out.code).toBe(0);
    const lines = out.stdout.split('\n');
    expect(lines[1]).toBe('3 of 708 added lines (<1%)');
    expect(lines).toContain('       3/5       60%  src/greet.ts  claude-code 3');
    // A week with no AI line ends at its share: no empty tool list, no trailing blanks.
    expect(lines).toContain('  2026-02-09       0/702      0%');
  });
});
