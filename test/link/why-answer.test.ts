import { describe, expect, it } from 'vitest';
import { resolveDbPath } from '../../src/config/index.js';
import { openDb } from '../../src/db/index.js';
import { runCli } from '../helpers/cli.js';
import { ChatRows } from '../helpers/chat-rows.js';
import { commit, gitRepo } from '../helpers/git-repo.js';

const GREET = 'export function greet(name: string): string {\n  return `hello ${name}`;\n}\n';
const GREET2 = GREET + 'export function farewell(name: string): string {\n  return `bye ${name}`;\n}\n';

describe('lore why, full answer', () => {
  it('names the request behind the origin and each change, decisions and learnings', () => {
    const dir = gitRepo();
    commit(dir, { 'README.md': '# demo\n' }, 'initial', { date: '2026-04-01T10:00:00Z' });
    expect(runCli(['index', '-q'], { cwd: dir }).code).toBe(0);
    const db = openDb(resolveDbPath(process.env));
    const s = new ChatRows(db, dir, 'claude-code:0d6c1d2e-aaaa-bbbb-cccc-000000000001');
    s.prompt('Add a greet function in src/greet.ts that says hello', '2026-04-01T10:01:00.000Z');
    s.message('assistant', 'text', 'I will use a template string rather than concatenation because it reads better.', '2026-04-01T10:01:30.000Z');
    s.edit('src/greet.ts', '2026-04-01T10:02:00.000Z', { new: GREET });
    db.close();
    commit(dir, { 'src/greet.ts': GREET }, 'add greet', { date: '2026-04-01T10:05:00Z' });
    commit(dir, { 'src/greet.ts': GREET2.replace('bye', 'goodbye') }, 'farewell, by hand', { date: '2026-04-01T11:00:00Z' });
    expect(runCli(['learn', 'greet must stay pure', '--file', 'src/greet.ts', '--category', 'convention'], { cwd: dir }).code).toBe(0);

    const r = runCli(['why', 'src/greet.ts', '--evidence'], { cwd: dir });
    expect(r.stderr).toBe('');
    const lines = r.stdout.split('\n');
    expect(lines.slice(0, 2)).toEqual([
      'src/greet.ts  2 commits',
      'Created 2026-04-01 by "Add a greet function in src/greet.ts that says hello" (claude-code); changed once, no recorded request; importers unknown (no import graph yet)',
    ]);
    expect(r.stdout).toContain('← "Add a greet function in src/greet.ts that says hello"  claude-code session 0d6c1d2e, 2026-04-01');
    expect(r.stdout).toContain('evidence: edit-text (confidence 0.95) — 2 of 2 line(s) added by Write are in the commit');
    expect(r.stdout).toContain('"I will use a template string rather than concatenation because it reads better."  claude-code session 0d6c1d2e');
    expect(r.stdout).toMatch(/\[convention\] greet must stay pure {2}lore learn/);
    expect(r.stdout).toMatch(/farewell, by hand\n {6}no recorded request\n/);

    const j = JSON.parse(runCli(['why', 'src/greet.ts:4', '--json'], { cwd: dir }).stdout);
    expect(j.schema).toBe('lore.why/2');
    expect(j.blamed.subject).toBe('farewell, by hand');
    expect(j.blamed.requests).toEqual([]);
    expect(j.origin.requests.map((q: { id: string; evidence: string }) => [q.id, q.evidence])).toEqual([['claude-code:0d6c1d2e-aaaa-bbbb-cccc-000000000001:m1', 'edit-text']]);
    expect(j.requests).toHaveLength(1);
    expect(j.decisions.map((d: { sentence: string }) => d.sentence)).toEqual(['I will use a template string rather than concatenation because it reads better.']);
    expect(j.learnings.map((l: { content: string; stale: boolean }) => [l.content, l.stale])).toEqual([['greet must stay pure', false]]);
    expect(j.summary).toMatchObject({ changedTimes: 1, changedByRequests: 0, importedBy: null });
    expect(j.graph).toEqual({ imports: null, importers: null, entryPoint: false, isCode: true, unreferenced: false, deleted: false });
  });

  it('lists learnings, and says so when a file has none', () => {
    const dir = gitRepo({ 'src/a.ts': 'export const a = 1;\n' });
    expect(runCli(['learn', 'a is a constant', '-f', 'src/a.ts'], { cwd: dir }).stdout).toBe('learned [note] a is a constant — src/a.ts\n');
    const list = JSON.parse(runCli(['learnings', '--json'], { cwd: dir }).stdout);
    expect(list.learnings.map((l: { content: string; files: string[] }) => [l.content, l.files])).toEqual([['a is a constant', ['src/a.ts']]]);
    expect(runCli(['learnings', 'README.md'], { cwd: dir }).stdout).toBe('no learnings attached to README.md\n');
    expect(runCli(['learn', '  '], { cwd: dir })).toMatchObject({ code: 2, stderr: 'lore: the learning is empty\nhint: usage: lore learn "TEXT" [--file F]... [--category C]\n' });
  });

  it('counts importers from the import graph, and flags a file nothing imports', () => {
    const dir = gitRepo({
      'package.json': JSON.stringify({ name: 'x', type: 'module', bin: { x: './dist/cli.js' } }),
      'src/a.ts': 'export const a = 1;\n',
      'src/b.ts': "import { a } from './a.js';\nexport const b = a + 1;\n",
      'src/lonely.ts': 'export const lonely = 1;\n',
      'src/cli.ts': "import { b } from './b.js';\nconsole.log(b);\n",
    });
    expect(runCli(['index', '-q'], { cwd: dir }).code).toBe(0);
    const a = runCli(['why', 'src/a.ts'], { cwd: dir }).stdout;
    expect(a).toContain('; imported by 1 file\n');
    expect(a).toContain('Imports 0 · imported by 1: src/b.ts');
    expect(runCli(['why', 'src/lonely.ts'], { cwd: dir }).stdout).toContain('Imports 0 · nothing imports this file');
    const cli = JSON.parse(runCli(['why', 'src/cli.ts', '--json'], { cwd: dir }).stdout);
    expect(cli.graph).toEqual({ imports: ['src/b.ts'], importers: [], entryPoint: true, isCode: true, unreferenced: false, deleted: false });
  });

  it('keeps to one screen: the newest ten changes, and how to see the rest', () => {
    const dir = gitRepo({ 'a.txt': '0\n' });
    for (let i = 1; i <= 12; i++) commit(dir, { 'a.txt': `${i}\n` }, `edit ${i}`);
    const out = runCli(['why', 'a.txt'], { cwd: dir }).stdout;
    expect(out).toContain('Changes since, newest first (12)');
    expect(out).toContain('edit 3\n');
    expect(out).not.toContain('edit 2\n');
    expect(out).toContain('… 2 older changes: lore why a.txt --all');
    expect(runCli(['why', 'a.txt', '--all'], { cwd: dir }).stdout).toContain('edit 1\n');
  });
});
