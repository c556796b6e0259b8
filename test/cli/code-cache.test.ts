import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cacheDigest } from '../../src/cli/require-cached.js';
import { runCli } from '../helpers/cli.js';
import { commit, gitRepo } from '../helpers/git-repo.js';

// `lore why` and `lore index` run from dist/fast.cjs with V8's code cache in $XDG_CACHE_HOME/lore
// (src/cli/require-cached.ts), one cache per command.
function setup() {
  const home = mkdtempSync(join(tmpdir(), 'lore-code-cache-'));
  const env = { LORE_HOME: join(home, 'lore'), XDG_CACHE_HOME: join(home, 'cache') };
  const repo = gitRepo({ 'src/a.ts': 'export const a = 1;\n' }, 'add a');
  commit(repo, { 'src/a.ts': 'export const a = 2;\n' }, 'change a');
  const why = () => runCli(['why', 'src/a.ts'], { cwd: repo, env });
  const cacheFiles = () => (existsSync(join(env.XDG_CACHE_HOME, 'lore')) ? readdirSync(join(env.XDG_CACHE_HOME, 'lore')) : []);
  return { home, env, repo, why, cacheFiles, cacheDir: join(env.XDG_CACHE_HOME, 'lore') };
}

describe('lore why with a code cache', () => {
  it('keeps the compiled bundle after the first run and takes it as it is on the next', () => {
    const { why, cacheFiles, cacheDir } = setup();
    const first = why();
    expect(first.code).toBe(0);
    expect(first.stderr).toBe('');
    expect(first.stdout).toContain('src/a.ts  2 commits');
    const [name] = cacheFiles();
    expect(cacheFiles()).toEqual([expect.stringMatching(new RegExp(`^why-[0-9a-f]{16}-${process.version.replace(/\./g, '\\.')}-${process.arch}\\.v8$`))]);
    const cache = join(cacheDir, name!);
    const bytes = readFileSync(cache);
    const mtime = statSync(cache).mtimeMs;
    expect(why()).toEqual(first);
    expect(statSync(cache).mtimeMs).toBe(mtime);
    expect(readFileSync(cache)).toEqual(bytes);
  });

  it('answers the same with a damaged cache or one V8 refuses, and replaces it', () => {
    const { why, cacheFiles, cacheDir } = setup();
    const first = why();
    const cache = join(cacheDir, cacheFiles()[0]!);
    const good = readFileSync(cache);
    const damaged = Buffer.from(good);
    for (let i = 1000; i < damaged.length; i += 4096) damaged[i] = damaged[i]! ^ 0xff;
    // The right digest in front (of the bundle's size and mtime, and the bytes), so only V8's own
    // check (as for a cache made by another V8) can refuse it.
    const payload = Buffer.alloc(good.length - 4, 7);
    const { size, mtimeMs } = statSync(resolve('dist/fast.cjs'));
    const refused = Buffer.concat([cacheDigest(`${size}:${mtimeMs}`, payload), payload]);
    for (const bad of [damaged, good.subarray(0, 100), refused]) {
      writeFileSync(cache, bad);
      expect(why()).toEqual(first);
      expect(readFileSync(cache).length).toBeGreaterThan(100);
      expect(readFileSync(cache)).not.toEqual(bad);
    }
  });

  it('answers the same where no cache can be written, and writes none when the command fails', () => {
    const { home, env, repo, why } = setup();
    const expected = why();
    // A file where the cache folder would be: nothing can be created under it.
    const blocked = { ...env, XDG_CACHE_HOME: join(home, 'not-a-dir') };
    writeFileSync(blocked.XDG_CACHE_HOME, 'x');
    expect(runCli(['why', 'src/a.ts'], { cwd: repo, env: blocked })).toEqual(expected);
    expect(readFileSync(blocked.XDG_CACHE_HOME, 'utf8')).toBe('x');

    const fresh = { ...env, XDG_CACHE_HOME: join(home, 'fresh-cache') };
    const failed = runCli(['why', 'src/nope.ts'], { cwd: repo, env: fresh });
    expect(failed.code).toBe(2);
    expect(failed.stderr).toMatch(/^lore: src\/nope\.ts is not tracked by git and has no history\n/);
    expect(existsSync(fresh.XDG_CACHE_HOME)).toBe(false);
  });
});

describe('lore index with a code cache', () => {
  it('keeps its own cache beside why\'s, both for the same bundle, and takes it as it is on the next run', () => {
    const { repo, env, why, cacheFiles, cacheDir } = setup();
    const index = () => runCli(['index'], { cwd: repo, env });
    const first = index();
    expect(first).toMatchObject({ code: 0, stderr: '' });
    // The import graph's first build loads the TypeScript compiler from the bundle.
    expect(first.stdout).toBe(`indexed 2 new commits (2 in all) for ${repo}\nimport graph: 1 TS/JS file, 0 edges (1 parsed now)\nchats: nothing new (0 transcript files unchanged)\n`);
    const name = `-[0-9a-f]{16}-${process.version.replace(/\./g, '\\.')}-${process.arch}\\.v8$`;
    expect(cacheFiles()).toEqual([expect.stringMatching(new RegExp(`^index${name}`))]);
    expect(why().code).toBe(0);
    const [indexCache, whyCache] = cacheFiles().sort();
    expect(whyCache).toMatch(new RegExp(`^why${name}`));
    expect(whyCache!.slice('why'.length)).toBe(indexCache!.slice('index'.length));
    const bytes = readFileSync(join(cacheDir, indexCache!));
    expect(index()).toEqual({ code: 0, stderr: '', stdout: `indexed 0 new commits (2 in all) for ${repo}\nimport graph: 1 TS/JS file, 0 edges (0 parsed now)\nchats: nothing new (0 transcript files unchanged)\n` });
    expect(readFileSync(join(cacheDir, indexCache!))).toEqual(bytes);
  });

  it('writes no cache when the command fails', () => {
    const { env } = setup();
    const outside = runCli(['index'], { cwd: mkdtempSync(join(tmpdir(), 'lore-nogit-')), env });
    expect(outside.code).toBe(2);
    expect(outside.stderr).toMatch(/^lore: .* is not inside a git work tree/);
    expect(existsSync(env.XDG_CACHE_HOME)).toBe(false);
  });
});
