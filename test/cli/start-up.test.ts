import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, runCli } from '../helpers/cli.js';
import { gitRepo } from '../helpers/git-repo.js';

// What a run loads (docs/start-up.md), as Node's module debug log tells it: every require by name.
function requests(args: string[], options: { cwd: string; env: Record<string, string> }): string[] {
  const r = runCli(args, { ...options, env: { ...options.env, NODE_DEBUG: 'module' } });
  expect(r.code).toBe(0);
  return [...r.stderr.matchAll(/Module\._load REQUEST (\S+)/g)].map((m) => m[1]!);
}

describe('what lore loads', () => {
  it('reads the bundle every fast command runs from as ASCII only, which V8 stores in half the memory', () => {
    const bundle = readFileSync(join(dirname(CLI), 'fast.cjs'));
    const outside = bundle.findIndex((byte) => byte > 0x7f);
    // A character written as itself in a regular expression (esbuild escapes it everywhere else): spell it \uXXXX.
    expect(outside === -1 ? '' : bundle.subarray(Math.max(0, outside - 80), outside + 8).toString('utf8')).toBe('');
  });

  it('names better-sqlite3 its addon (no search by the bindings package) and takes its JavaScript from the bundle, and loads sqlite-vec only for vectors, ts-morph only to parse imports', () => {
    const repo = gitRepo({ 'a.ts': 'export const a = 1;\n' }, 'add a');
    const env = { LORE_HOME: mkdtempSync(join(tmpdir(), 'lore-start-up-')) };
    // The first index embeds the commit's message (vector work) and parses a.ts for the import graph.
    const first = requests(['index'], { cwd: repo, env });
    expect(first).toContain('sqlite-vec');
    expect(first).toContain('ts-morph');
    for (const args of [['index'], ['why', 'a.ts']]) {
      const loaded = requests(args, { cwd: repo, env });
      // Its JavaScript comes from dist/fast.cjs (src/db/sqlite-bundled.ts): only the addon is loaded.
      expect(loaded, args.join(' ')).not.toContain('better-sqlite3');
      expect(loaded.filter((m) => m.endsWith('.node'))).toEqual([expect.stringMatching(/[\\/]better-sqlite3[\\/]build[\\/]Release[\\/]better_sqlite3\.node$/)]);
      expect(loaded).not.toContain('bindings');
      expect(loaded).not.toContain('sqlite-vec');
      expect(loaded).not.toContain('ts-morph');
    }
  });

  it('loads neither node:crypto, node:child_process, node:worker_threads, perf_hooks, fs/promises, readline nor simple-git to answer `why FILE` or the context hook', () => {
    const repo = gitRepo({ 'a.ts': 'export const a = 1;\n' }, 'add a');
    const dir = mkdtempSync(join(tmpdir(), 'lore-start-up-'));
    const env = { LORE_HOME: join(dir, 'lore') };
    expect(runCli(['index'], { cwd: repo, env }).code).toBe(0);
    // Node's own list of the built-ins a process loaded, written as it exits.
    const preload = join(dir, 'loaded.cjs');
    writeFileSync(preload, "process.on('exit', () => require('node:fs').writeFileSync(process.env.LORE_TEST_LOADED, process.moduleLoadList.join('\\n')));\n");
    const hook = JSON.stringify({ hook_event_name: 'PreToolUse', tool_name: 'Edit', cwd: repo, tool_input: { file_path: join(repo, 'a.ts') } });
    for (const [args, input] of [[['why', 'a.ts'], ''], [['context', '--hook', 'claude'], hook]] as const) {
      const out = join(dir, `${args[0]}.txt`);
      const r = runCli([...args], { cwd: repo, input, env: { ...env, NODE_OPTIONS: `--require ${preload}`, LORE_TEST_LOADED: out } });
      expect(r.code, r.stderr).toBe(0);
      const loaded = readFileSync(out, 'utf8').split('\n');
      expect(loaded, args[0]).toContain('NativeModule fs');
      expect(loaded, args[0]).not.toContain('NativeModule crypto');
      expect(loaded, args[0]).not.toContain('NativeModule child_process');
      expect(loaded, args[0]).not.toContain('NativeModule worker_threads');
      // The global `performance` loads perf_hooks on first use; lore times its stages without it.
      expect(loaded, args[0]).not.toContain('NativeModule perf_hooks');
      // Nor node:fs/promises, which loads readline with it (the progress bar library does too).
      expect(loaded, args[0]).not.toContain('NativeModule fs/promises');
      expect(loaded, args[0]).not.toContain('NativeModule readline');
      expect(requests([...args], { cwd: repo, env }), args[0]).not.toContain('simple-git');
    }
    // A FILE:LINE run starts git blame, and so loads child_process.
    const out = join(dir, 'line.txt');
    expect(runCli(['why', 'a.ts:1'], { cwd: repo, env: { ...env, NODE_OPTIONS: `--require ${preload}`, LORE_TEST_LOADED: out } }).code).toBe(0);
    expect(readFileSync(out, 'utf8').split('\n')).toContain('NativeModule child_process');
  });
});
