import { describe, expect, it } from 'vitest';
import { isCodeFile, isGraphInput, isResolutionConfig } from '../../src/code/index.js';

describe('which tracked files the import graph reads', () => {
  const paths = ['src/a.ts', 'src/b.d.ts', 'web/c.jsx', 'lib/d.cjs', 'tsconfig.build.json', 'pkg/package.json', 'pnpm-workspace.yaml', 'README.md', 'src/e.json', 'node_modules/x/index.js', 'pkg/node_modules/x/package.json'];

  it('parses TS/JS outside node_modules, follows the resolution configs, and watches both', () => {
    expect(paths.filter(isCodeFile)).toEqual(['src/a.ts', 'src/b.d.ts', 'web/c.jsx', 'lib/d.cjs']);
    expect(paths.filter(isResolutionConfig)).toEqual(['tsconfig.build.json', 'pkg/package.json', 'pnpm-workspace.yaml']);
    expect(paths.filter(isGraphInput)).toEqual(['src/a.ts', 'src/b.d.ts', 'web/c.jsx', 'lib/d.cjs', 'tsconfig.build.json', 'pkg/package.json', 'pnpm-workspace.yaml']);
  });
});
