import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { gitRepo } from '../helpers/git-repo.js';

// What a run loads (docs/start-up.md), as Node's module debug log tells it: every require by name.
function requests(args: string[], options: { cwd: string; env: Record<string, string> }): string[] {
  const r = runCli(args, { ...options, env: { ...options.env, NODE_DEBUG: 'module' } });
  expect(r.code).toBe(0);
  return [...r.stderr.matchAll(/Module\._load REQUEST (\S+)/g)].map((m) => m[1]!);
}

describe('what lore loads', () => {
  it('names better-sqlite3 its addon (no search by the bindings package), and loads sqlite-vec only for vectors, ts-morph only to parse imports', () => {
    const repo = gitRepo({ 'a.ts': 'export const a = 1;\n' }, 'add a');
    const env = { LORE_HOME: mkdtempSync(join(tmpdir(), 'lore-start-up-')) };
    // The first index embeds the commit's message (vector work) and parses a.ts for the import graph.
    const first = requests(['index'], { cwd: repo, env });
    expect(first).toContain('sqlite-vec');
    expect(first).toContain('ts-morph');
    for (const args of [['index'], ['why', 'a.ts']]) {
      const loaded = requests(args, { cwd: repo, env });
      expect(loaded, args.join(' ')).toContain('better-sqlite3');
      expect(loaded.filter((m) => m.endsWith('.node'))).toEqual([expect.stringMatching(/[\\/]better-sqlite3[\\/]build[\\/]Release[\\/]better_sqlite3\.node$/)]);
      expect(loaded).not.toContain('bindings');
      expect(loaded).not.toContain('sqlite-vec');
      expect(loaded).not.toContain('ts-morph');
    }
  });
});
