import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fastCommand } from '../../src/cli/fast-path.js';
import { aiderRepo } from '../helpers/aider-repo.js';
import { runCli } from '../helpers/cli.js';
import { commit } from '../helpers/git-repo.js';

// `lore context` and the agents' hooks that run it before an edit (issue 15, "Context before an edit").

describe('lore context', () => {
  let dir: string;
  beforeAll(() => {
    dir = aiderRepo();
    commit(dir, { 'calc.py': 'def double(x):\n    return x * 2\n' }, 'style: double by hand', { date: '2026-05-05T09:00:00Z' });
    expect(runCli(['index', '-q'], { cwd: dir }).code).toBe(0);
  });

  it('prints the origin request, the learnings that hold and the summary of each file', () => {
    const r = runCli(['context', 'calc.py', 'README.md'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^calc\.py: created 2026-05-04 by "add a double function to calc\.py" \(aider\); changed once, no recorded request$/);
    expect(lines).toContain('  created for: "add a double function to calc.py" (aider, 2026-05-04)');
    expect(lines).toContain('  learning [convention]: double must stay pure');
    expect(lines).toContain('README.md: created 2026-05-04 with no recorded request; never changed since');
  });

  it('keeps within --max-chars, the summaries first', () => {
    const full = runCli(['context', 'calc.py', 'README.md'], { cwd: dir }).stdout;
    const r = runCli(['context', 'calc.py', 'README.md', '--max-chars', '260'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().length).toBeLessThanOrEqual(260);
    expect(r.stdout.length).toBeLessThan(full.length);
    expect(r.stdout).toContain('calc.py: created');
    expect(r.stdout).toContain('README.md: created');
    expect(runCli(['context', 'calc.py', '--max-chars', '5'], { cwd: dir }).code).toBe(2);
  });

  it('gives --json, and says which files lore has no history of', () => {
    const j = JSON.parse(runCli(['context', 'calc.py', 'new.py', '--json'], { cwd: dir }).stdout);
    expect(j.schema).toBe('lore.context/1');
    expect(j.files.map((f: { file: string; known: boolean }) => [f.file, f.known])).toEqual([['calc.py', true], ['new.py', false]]);
    expect(j.files[0].origin.request.text).toBe('add a double function to calc.py');
    expect(j.files[0].learnings.map((l: { content: string }) => l.content)).toEqual(['double must stay pure']);
    expect(runCli(['context', 'new.py'], { cwd: dir }).stdout).toBe('no history in lore: new.py\n');
    expect(runCli(['context'], { cwd: dir }).code).toBe(2);
  });

  it('answers a Claude Code PreToolUse hook with additionalContext for the file being edited', () => {
    const input = JSON.stringify({ session_id: 's', cwd: dir, hook_event_name: 'PreToolUse', tool_name: 'Edit', tool_input: { file_path: join(dir, 'calc.py'), old_string: 'x * 2', new_string: '2 * x' } });
    const r = runCli(['context', '--hook', 'claude'], { cwd: '/', input });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.hookSpecificOutput.hookEventName).toBe('PreToolUse');
    expect(out.hookSpecificOutput.permissionDecision).toBeUndefined();
    expect(out.hookSpecificOutput.additionalContext).toContain('created for: "add a double function to calc.py"');
    expect(out.hookSpecificOutput.additionalContext).toContain('learning [convention]: double must stay pure');
  });

  it('stays silent and out of the way when it has nothing to say or cannot answer', () => {
    const hook = (input: string, cwd = dir) => runCli(['context', '--hook', 'claude'], { cwd, input });
    for (const r of [
      hook(JSON.stringify({ cwd: dir, tool_name: 'Write', tool_input: { file_path: join(dir, 'brand-new.py'), content: 'x = 1\n' } })),
      hook('not json'),
      hook(''),
      hook(JSON.stringify({ cwd: mkdtempSync(join(tmpdir(), 'lore-no-repo-')), tool_name: 'Edit', tool_input: { file_path: '/tmp/x.py' } })),
      hook(JSON.stringify({ cwd: dir, tool_name: 'Edit', tool_input: { file_path: '/etc/hosts' } })),
      runCli(['context', '--hook', 'claude', '--db', join(mkdtempSync(join(tmpdir(), 'lore-no-db-')), 'none.db')], { cwd: dir, input: JSON.stringify({ cwd: dir, tool_input: { file_path: 'calc.py' } }) }),
    ]) {
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe('');
    }
  });

  it("answers Codex's apply_patch hook for the files its patch names, and Gemini CLI's read_file", () => {
    const patch = '*** Begin Patch\n*** Update File: calc.py\n@@\n-    return x * 2\n+    return 2 * x\n*** Add File: other.py\n+y = 1\n*** End Patch\n';
    const codex = runCli(['context', '--hook', 'codex'], { cwd: dir, input: JSON.stringify({ cwd: dir, hook_event_name: 'PreToolUse', tool_name: 'apply_patch', tool_input: { command: patch } }) });
    expect(codex.code).toBe(0);
    const c = JSON.parse(codex.stdout).hookSpecificOutput;
    expect(c.hookEventName).toBe('PreToolUse');
    expect(c.additionalContext).toContain('calc.py: created');
    expect(c.additionalContext).not.toContain('other.py');
    const gemini = runCli(['context', '--hook', 'gemini'], { cwd: dir, input: JSON.stringify({ cwd: dir, hook_event_name: 'AfterTool', tool_name: 'read_file', tool_input: { file_path: 'calc.py' } }) });
    expect(gemini.code).toBe(0);
    expect(JSON.parse(gemini.stdout).hookSpecificOutput.additionalContext).toContain('double must stay pure');
  });

  it('prints each agent its hook configuration, and Cursor the way to lore instead', () => {
    const claude = JSON.parse(runCli(['context', '--print-hook', 'claude'], { cwd: dir }).stdout);
    expect(claude.hooks.PreToolUse).toEqual([{ matcher: 'Edit|Write|MultiEdit', hooks: [{ type: 'command', command: 'lore context --hook claude', timeout: 10 }] }]);
    const codex = JSON.parse(runCli(['context', '--print-hook', 'codex'], { cwd: dir }).stdout);
    expect(codex.hooks.PreToolUse[0].matcher).toBe('apply_patch');
    const gemini = JSON.parse(runCli(['context', '--print-hook', 'gemini'], { cwd: dir }).stdout);
    expect(gemini.hooks.AfterTool[0].hooks[0].command).toBe('lore context --hook gemini');
    expect(runCli(['context', '--print-hook', 'cursor'], { cwd: dir }).stdout).toContain('lore mcp --print-config cursor');
  });
});

describe('the fast path for the hook', () => {
  it('takes `context --hook CLIENT` with its options, and leaves anything else to the full parser', () => {
    expect(fastCommand(['context', '--hook', 'claude'])).toEqual({ command: 'context', args: { client: 'claude' } });
    expect(fastCommand(['context', '--hook=codex', '--max-chars', '500', '-C', '/r', '--db=/d.db'])).toEqual({ command: 'context', args: { client: 'codex', maxChars: 500, C: '/r', db: '/d.db' } });
    for (const argv of [['context', 'a.ts'], ['context', '--hook', 'vim'], ['context', '--hook'], ['context', '--hook', 'claude', '--json'], ['context', '--hook', 'claude', '--max-chars', '5'], ['context', '--print-hook', 'claude']]) {
      expect(fastCommand(argv), argv.join(' ')).toBeUndefined();
    }
  });
});
