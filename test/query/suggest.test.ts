import { describe, expect, it } from 'vitest';
import { closestPaths } from '../../src/query/index.js';

const tracked = ['src/parser.ts', 'src/render.ts', 'src/db/open.ts', 'docs/guide.md', 'lib/parser.ts', 'README.md'];

describe('closestPaths', () => {
  it('suggests a path one typo away, the nearest full path first, without unrelated names', () => {
    expect(closestPaths('src/parsr.ts', tracked)).toEqual(['src/parser.ts', 'lib/parser.ts']);
  });

  it('suggests the same file name in another directory first', () => {
    expect(closestPaths('lib/render.ts', tracked)).toEqual(['src/render.ts']);
    expect(closestPaths('open.ts', tracked)).toEqual(['src/db/open.ts']);
  });

  it('suggests nothing when no name is close', () => {
    expect(closestPaths('src/completely-different.ts', tracked)).toEqual([]);
    expect(closestPaths('x.ts', [])).toEqual([]);
  });

  it('returns at most `limit` paths', () => {
    expect(closestPaths('a.ts', ['a1.ts', 'a2.ts', 'a3.ts', 'a4.ts'], 2)).toHaveLength(2);
  });
});
