import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireCached } from '../../src/cli/require-cached.js';

interface Answer {
  answer(): string;
  where: string;
}

/** A CommonJS file that uses what `require` gives a module: exports, require, __filename. */
function bundle(): { dir: string; file: string; cache: string } {
  const dir = mkdtempSync(join(tmpdir(), 'lore-require-cached-'));
  const file = join(dir, 'bundle.cjs');
  writeFileSync(file, "const { basename } = require('node:path');\nexports.answer = () => 'forty-two';\nmodule.exports.where = basename(__filename);\n");
  return { dir, file, cache: join(dir, 'cache', 'bundle.v8') };
}

function load(file: string, cache: string): Answer {
  const m = requireCached<Answer>(file, cache);
  expect(m.exports.answer()).toBe('forty-two');
  m.saveCache();
  return m.exports;
}

describe('requireCached', () => {
  it('runs a CommonJS file and keeps its code for the next run, which leaves the cache alone', () => {
    const { file, cache } = bundle();
    expect(load(file, cache).where).toBe('bundle.cjs');
    const first = readFileSync(cache);
    expect(first.length).toBeGreaterThan(20);
    const mtime = statSync(cache).mtimeMs;
    load(file, cache);
    expect(statSync(cache).mtimeMs).toBe(mtime);
    expect(readFileSync(cache)).toEqual(first);
    expect(readdirSync(join(cache, '..'))).toEqual(['bundle.v8']);
  });

  // One V8 refuses (other V8, other flags) is tested end to end (test/cli/code-cache.test.ts): within
  // one process V8 reuses what it compiled before and never looks at the cache.
  it('ignores and rewrites a damaged cache, a truncated one and an empty one', () => {
    const { file, cache } = bundle();
    load(file, cache);
    const good = readFileSync(cache);
    const damaged = Buffer.from(good);
    damaged[damaged.length >> 1]! ^= 0xff;
    for (const bad of [damaged, good.subarray(0, 30), Buffer.alloc(0)]) {
      writeFileSync(cache, bad);
      load(file, cache);
      const rewritten = readFileSync(cache);
      expect(rewritten.length).toBeGreaterThan(30);
      expect(rewritten).not.toEqual(bad);
      // The rewritten cache is taken as it is on the run after.
      load(file, cache);
      expect(readFileSync(cache)).toEqual(rewritten);
    }
  });

  it('compiles the file again when it changed, even to a source of the same length', () => {
    const { file, cache } = bundle();
    load(file, cache);
    const before = readFileSync(cache);
    writeFileSync(file, readFileSync(file, 'utf8').replace("'forty-two'", "'forty-six'"));
    utimesSync(file, new Date(Date.now() + 5000), new Date(Date.now() + 5000));
    const m = requireCached<Answer>(file, cache);
    expect(m.exports.answer()).toBe('forty-six');
    m.saveCache();
    expect(readFileSync(cache)).not.toEqual(before);
  });

  it('keeps the newest eight caches in its folder when it writes one', () => {
    const { dir, file, cache } = bundle();
    mkdirSync(join(dir, 'cache'));
    const day = 86_400_000;
    for (let i = 1; i <= 9; i++) {
      const old = join(dir, 'cache', `old-${i}.v8`);
      writeFileSync(old, 'x');
      utimesSync(old, new Date(Date.now() - i * day), new Date(Date.now() - i * day));
    }
    writeFileSync(join(dir, 'cache', 'notes.txt'), 'not a cache');
    load(file, cache);
    expect(readdirSync(join(dir, 'cache')).sort()).toEqual(['bundle.v8', 'notes.txt', ...[1, 2, 3, 4, 5, 6, 7].map((i) => `old-${i}.v8`)]);
  });

  it('runs without a cache where none can be written', () => {
    const { dir, file } = bundle();
    const blocker = join(dir, 'not-a-dir');
    writeFileSync(blocker, 'x');
    load(file, join(blocker, 'bundle.v8'));
    expect(readFileSync(blocker, 'utf8')).toBe('x');
    expect(readdirSync(dir).sort()).toEqual(['bundle.cjs', 'not-a-dir']);
  });

  it('writes nothing until saveCache is called', () => {
    const { file, cache } = bundle();
    requireCached<Answer>(file, cache);
    expect(existsSync(cache)).toBe(false);
  });
});
