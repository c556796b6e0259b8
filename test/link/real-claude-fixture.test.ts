import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { commit, gitRepo } from '../helpers/git-repo.js';
import { REAL_FIXTURES } from '../fixtures/paths.mjs';

// The real Claude Code session in which files are written and edited in /tmp/private
// (SOURCES.md): "create hello.py, md and js", "update py with one liner comment", "delete js".
const FIXTURE = join(REAL_FIXTURES, 'claude-code/codemie-code/-tmp-private');

describe('the real -tmp-private Claude Code session', () => {
  it('rebuilt into a repository, why names the prompts that made each file', () => {
    const dir = gitRepo();
    // The transcript's cwd and paths, moved to the temp repository (the JSON is otherwise byte-for-byte).
    const projects = join(process.env.CLAUDE_CONFIG_DIR!, 'projects', dir.replace(/[^a-zA-Z0-9]/g, '-'));
    mkdirSync(projects, { recursive: true });
    for (const f of readdirSync(FIXTURE)) writeFileSync(join(projects, f), readFileSync(join(FIXTURE, f), 'utf8').replaceAll('/tmp/private', dir));

    // The files as the session left them after each prompt, committed after each turn.
    const py = '#!/usr/bin/env python3\n\ndef main():\n    print("Hello, World!")\n\nif __name__ == "__main__":\n    main()\n';
    const md = '# Hello\n\nThis is a simple hello file.\n\n## Purpose\n\nDemonstrates basic markdown formatting.\n\n## Example\n\n```bash\necho "Hello, World!"\n```\n';
    const js = '#!/usr/bin/env node\n\nfunction main() {\n  console.log("Hello, World!");\n}\n\nmain();\n';
    commit(dir, { 'hello.py': py, 'hello.md': md, 'hello.js': js }, 'hello files', { date: '2025-12-10T19:38:00Z' });
    commit(dir, { 'hello.py': py.replace('def main', '# Simple hello world program\ndef main') }, 'comment', { date: '2025-12-10T19:38:20Z' });
    commit(dir, { 'hello.js': null, 'README.md': '# by hand\n' }, 'delete js', { date: '2025-12-10T19:38:40Z' });

    const why = (file: string) => {
      const r = runCli(['why', file, '--json'], { cwd: dir });
      expect(r.stderr).toBe('');
      return JSON.parse(r.stdout) as { changes: { subject: string; requests: { text: string; tool: string; evidence: string }[] }[]; origin: { requests: { text: string }[] } };
    };
    const py1 = why('hello.py');
    expect(py1.changes.map((c) => [c.subject, c.requests.map((q) => [q.text, q.tool, q.evidence])])).toEqual([
      ['comment', [['update py with one liner comment', 'claude-code', 'edit-text']]],
      ['hello files', [['create hello.py, md and js', 'claude-code', 'edit-text']]],
    ]);
    expect(why('hello.md').origin.requests.map((q) => q.text)).toEqual(['create hello.py, md and js']);
    // hello.js was deleted with `rm` in a Bash call: no edit records it, so no request is claimed.
    const js1 = why('hello.js');
    expect(js1.changes.map((c) => [c.subject, c.requests.map((q) => q.text)])).toEqual([
      ['delete js', []],
      ['hello files', ['create hello.py, md and js']],
    ]);
    expect(why('README.md').changes.map((c) => c.requests.length)).toEqual([0]);

    const text = runCli(['why', 'hello.py'], { cwd: dir }).stdout;
    expect(text).toContain('Created 2025-12-10 by "create hello.py, md and js" (claude-code); changed once by 1 request\n');
    expect(text).toContain('← "update py with one liner comment"  claude-code session 4c2ddfdc, 2025-12-10');
  });

  it('links an Edit whose strings are fragments of a line', () => {
    // The same session, with its one Edit (and the tool result's structuredPatch) turned into an
    // edit of part of a line, as Claude Code's Edit often is.
    const dir = helloEditedTo('lore');
    const r = runCli(['why', 'hello.py', '--json'], { cwd: dir });
    expect(r.stderr).toBe('');
    const why = JSON.parse(r.stdout) as { changes: { subject: string; requests: { text: string; evidence: string }[] }[] };
    expect(why.changes.find((c) => c.subject === 'greet lore')!.requests.map((q) => [q.text, q.evidence])).toEqual([['update py with one liner comment', 'edit-text']]);
  });
  it('links an Edit by the hunks of its result when the applied change differs from its strings', () => {
    // The same session; its Edit's proposal was changed by the user before it was accepted
    // (`userModified`): the strings say "lore", the structuredPatch (what was written) "team".
    const dir = helloEditedTo('team', { userModified: true });
    const r = runCli(['why', 'hello.py', '--json'], { cwd: dir });
    expect(r.stderr).toBe('');
    const why = JSON.parse(r.stdout) as { changes: { subject: string; requests: { text: string; evidence: string }[] }[] };
    expect(why.changes.find((c) => c.subject === 'greet team')!.requests.map((q) => [q.text, q.evidence])).toEqual([['update py with one liner comment', 'edit-text']]);
  });

  it('links the Edit by its hunks when its result arrives after the commit was linked', () => {
    // The same as above, but lore reads the transcript twice: first up to the Edit's result (the
    // tool has not answered yet), then with it. The commit is linked in between. Its own database
    // and Claude folder: the other tests store the same session, hunks included.
    const env = { LORE_HOME: mkdtempSync(join(tmpdir(), 'lore-late-hunk-')), CLAUDE_CONFIG_DIR: mkdtempSync(join(tmpdir(), 'lore-late-claude-')) };
    const partial = { cut: '' };
    const dir = helloEditedTo('team', { userModified: true, partial, claudeDir: env.CLAUDE_CONFIG_DIR });
    expect(runCli(['index', '--wait'], { cwd: dir, env }).code).toBe(0); // linked as far as it goes
    const first = JSON.parse(runCli(['why', 'hello.py', '--json'], { cwd: dir, env }).stdout) as { changes: { subject: string; requests: { text: string }[] }[] };
    expect(first.changes.find((c) => c.subject === 'greet team')!.requests).toEqual([]);
    appendFileSync(partial.cut, readFileSync(`${partial.cut}.rest`, 'utf8'));
    const r = runCli(['why', 'hello.py', '--json'], { cwd: dir, env });
    expect(r.stderr).toBe('');
    const why = JSON.parse(r.stdout) as { changes: { subject: string; requests: { text: string; evidence: string }[] }[] };
    expect(why.changes.find((c) => c.subject === 'greet team')!.requests.map((q) => [q.text, q.evidence])).toEqual([['update py with one liner comment', 'edit-text']]);
  });

  it('links a one-line partial Edit to its request (greet(name: string) → greet(name: string = \'world\'))', () => {
    const dir = gitRepo();
    const projects = join(process.env.CLAUDE_CONFIG_DIR!, 'projects', dir.replace(/[^a-zA-Z0-9]/g, '-'));
    mkdirSync(projects, { recursive: true });
    const sid = '0c0ffee0-1111-4222-8333-444455556666';
    const at = (s: number) => `2026-03-02T10:00:${String(s).padStart(2, '0')}.000Z`;
    const base = { sessionId: sid, cwd: dir, version: '2.0.64', isSidechain: false, userType: 'external' };
    const file = join(dir, 'src/greet.ts');
    const before = 'export function greet(name: string): string {\n  return `hello ${name}`;\n}\n';
    const after = before.replace('greet(name: string)', "greet(name: string = 'world')");
    const transcript = [
      { ...base, type: 'user', uuid: 'u1', timestamp: at(1), message: { role: 'user', content: 'greet the world when no name is given' } },
      { ...base, type: 'assistant', uuid: 'a1', timestamp: at(5), message: { id: 'msg_1', role: 'assistant', model: 'claude-sonnet-4-5', content: [{ type: 'tool_use', id: 'toolu_1', name: 'Edit', input: { file_path: file, old_string: 'greet(name: string)', new_string: "greet(name: string = 'world')" } }] } },
      {
        ...base, type: 'user', uuid: 'r1', timestamp: at(6),
        message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: `The file ${file} has been updated.` }] },
        toolUseResult: { filePath: file, oldString: 'greet(name: string)', newString: "greet(name: string = 'world')", originalFile: before, userModified: false, replaceAll: false,
          structuredPatch: [{ oldStart: 1, oldLines: 3, newStart: 1, newLines: 3, lines: ['-export function greet(name: string): string {', "+export function greet(name: string = 'world'): string {", '   return `hello ${name}`;', ' }'] }] },
      },
      { ...base, type: 'user', uuid: 'u2', timestamp: at(30), message: { role: 'user', content: 'thanks, that is all' } },
    ];
    writeFileSync(join(projects, `${sid}.jsonl`), transcript.map((l) => JSON.stringify(l)).join('\n') + '\n');
    commit(dir, { 'src/greet.ts': before }, 'greet', { date: '2026-03-02T09:00:00Z' });
    commit(dir, { 'src/greet.ts': after, 'README.md': 'by hand\n' }, 'default name', { date: '2026-03-02T10:01:00Z' });
    const r = runCli(['why', 'src/greet.ts', '--json'], { cwd: dir });
    expect(r.stderr).toBe('');
    const why = JSON.parse(r.stdout) as { changes: { subject: string; requests: { text: string; evidence: string }[] }[] };
    expect(why.changes.map((c) => [c.subject, c.requests.map((q) => [q.text, q.evidence])])).toEqual([
      ['default name', [['greet the world when no name is given', 'edit-text']]],
      ['greet', []],
    ]);
    expect(runCli(['why', 'src/greet.ts'], { cwd: dir }).stdout).toContain('← "greet the world when no name is given"');
  });
});

/**
 * A repository with the real session, its one Edit rewritten to change "World" to "lore" in part
 * of hello.py's print line, its result's structuredPatch (what was written) saying `written`;
 * hello.py committed, then committed again as written ("greet WRITTEN").
 */
function helloEditedTo(written: string, options: { userModified?: boolean; partial?: { cut: string }; claudeDir?: string } = {}): string {
  const dir = gitRepo();
  const projects = join(options.claudeDir ?? process.env.CLAUDE_CONFIG_DIR!, 'projects', dir.replace(/[^a-zA-Z0-9]/g, '-'));
  mkdirSync(projects, { recursive: true });
  const name = '4c2ddfdc-b619-4525-8d03-1950fb1b0257.jsonl';
  const lines = readFileSync(join(FIXTURE, name), 'utf8').replaceAll('/tmp/private', dir).split('\n');
  const edited = lines.map((l) => {
    if (!l.includes('"old_string"') && !l.includes('"oldString"')) return l;
    const v = JSON.parse(l);
    const use = v.message?.content?.find?.((b: { type: string }) => b.type === 'tool_use');
    if (use?.input?.old_string) Object.assign(use.input, { old_string: '"Hello, World!"', new_string: '"Hello, lore!"' });
    if (v.toolUseResult?.oldString) {
      Object.assign(v.toolUseResult, { oldString: '"Hello, World!"', newString: '"Hello, lore!"' }, options.userModified ? { userModified: true } : {});
      v.toolUseResult.structuredPatch = [{ oldStart: 3, oldLines: 3, newStart: 3, newLines: 3, lines: [' def main():', '-    print("Hello, World!")', `+    print("Hello, ${written}!")`, ' '] }];
    }
    return JSON.stringify(v);
  });
  if (options.partial) {
    // Only the lines before the Edit's result; the rest waits in a side file for the test to append.
    const at = edited.findIndex((l) => l.includes('"oldString"'));
    options.partial.cut = join(projects, name);
    writeFileSync(options.partial.cut, `${edited.slice(0, at).join('\n')}\n`);
    writeFileSync(`${options.partial.cut}.rest`, edited.slice(at).join('\n'));
  } else writeFileSync(join(projects, name), edited.join('\n'));
  const py = '#!/usr/bin/env python3\n\ndef main():\n    print("Hello, World!")\n\nif __name__ == "__main__":\n    main()\n';
  commit(dir, { 'hello.py': py }, 'hello', { date: '2025-12-10T19:38:00Z' });
  commit(dir, { 'hello.py': py.replace('World', written) }, `greet ${written}`, { date: '2025-12-10T19:38:20Z' });
  return dir;
}
