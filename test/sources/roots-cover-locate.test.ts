import fs, { mkdirSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { join, sep } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { adapters, type SourceEnv } from '../../src/sources/index.js';
import { transcriptRoots } from '../../src/watch/index.js';
import { tempDir } from './adapter-harness.js';

// Every place an adapter's locate() looks must lie under a root `lore watch` watches: otherwise a
// transcript is ingested by `lore init` and then never followed live. locate() is run against an
// empty temporary home with the file system calls it makes recorded, on each OS layout, with and
// without the tools' environment overrides.

const PLATFORMS: NodeJS.Platform[] = ['linux', 'darwin', 'win32'];

/** Paths handed to the file system while `fn` runs (sync and promise APIs, as the adapters use both). */
async function touchedPaths(fn: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const record = (p: unknown) => {
    if (typeof p === 'string') seen.push(p);
    else if (p instanceof URL) seen.push(p.pathname);
  };
  const restore: Array<() => void> = [];
  const wrap = (target: Record<string, unknown>, names: string[]) => {
    for (const name of names) {
      const original = target[name] as (...args: unknown[]) => unknown;
      target[name] = (...args: unknown[]) => {
        record(args[0]);
        return original.apply(target, args);
      };
      restore.push(() => {
        target[name] = original;
      });
    }
  };
  wrap(fs as unknown as Record<string, unknown>, ['readdirSync', 'statSync', 'lstatSync', 'existsSync', 'readFileSync', 'opendirSync', 'accessSync']);
  wrap(fs.promises as unknown as Record<string, unknown>, ['readdir', 'stat', 'lstat', 'readFile', 'opendir', 'access']);
  syncBuiltinESMExports();
  try {
    await fn();
  } finally {
    for (const undo of restore) undo();
    syncBuiltinESMExports();
  }
  return [...new Set(seen)];
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** An empty home, and the variables that move tools' folders pointed inside it. */
function setting(withOverrides: boolean): { home: string; env: NodeJS.ProcessEnv; repo: string } {
  const root = tempDir('lore-roots-');
  dirs.push(root);
  const home = join(root, 'home');
  const repo = join(root, 'repo');
  mkdirSync(home, { recursive: true });
  mkdirSync(repo, { recursive: true });
  if (!withOverrides) return { home, env: {}, repo };
  const names = new Set(['XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'APPDATA', 'LOCALAPPDATA', ...adapters.flatMap((a) => a.envOverrides)]);
  const env: NodeJS.ProcessEnv = {};
  for (const name of names) env[name] = join(root, 'env', name.toLowerCase());
  return { home, env, repo };
}

const isUnder = (path: string, root: string) => path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);

describe('watched roots cover every place locate() reads', () => {
  for (const adapter of adapters.filter((a) => !a.inRepository)) {
    for (const platform of PLATFORMS) {
      for (const withOverrides of [false, true]) {
        it(`${adapter.id} on ${platform}${withOverrides ? ' with its env overrides' : ''}`, async () => {
          const { home, env, repo } = setting(withOverrides);
          const senv: SourceEnv = { env, home, platform, knownRepos: [repo] };
          const touched = await touchedPaths(() => adapter.locate(senv));
          const roots = transcriptRoots(env, home, platform).map((r) => r.path);
          expect(touched.length).toBeGreaterThan(0);
          expect(touched.filter((p) => !roots.some((r) => isUnder(p, r)))).toEqual([]);
        });
      }
    }
  }

  it('lists each adapter once, with its own id, whatever else it shares a folder with', () => {
    const ids = adapters.map((a) => a.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z][a-z0-9-]*$/);
  });

  it('in-repository adapters read only inside the repositories lore knows (commands read them, the watcher does not)', async () => {
    for (const adapter of adapters.filter((a) => a.inRepository)) {
      const { home, repo } = setting(false);
      const touched = await touchedPaths(() => adapter.locate({ env: {}, home, platform: 'linux', knownRepos: [repo] }));
      expect(touched.length).toBeGreaterThan(0);
      expect(touched.filter((p) => !isUnder(p, repo))).toEqual([]);
    }
  });
});
