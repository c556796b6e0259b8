import { describe, expect, it } from 'vitest';
import { patchTargets } from '../../src/sources/patch-text.js';

describe('patchTargets (the files an apply_patch text changes)', () => {
  it('names a moved file by where it went, keeps the hunks of an update, and the text of an add', () => {
    const patch = [
      '*** Begin Patch',
      '*** Update File: src/old.ts',
      '*** Move to: src/new.ts',
      '@@ export',
      ' export const a = 1;',
      '-export const b = 1;',
      '+export const b = 2;',
      '*** Add File: README.md',
      '+# app',
      '*** Delete File: gone.txt',
      '*** End Patch',
    ].join('\n');
    expect(patchTargets(patch)).toEqual([
      { path: 'src/new.ts', oldText: 'export const a = 1;\nexport const b = 1;', newText: 'export const a = 1;\nexport const b = 2;', patch: '@@ export\n export const a = 1;\n-export const b = 1;\n+export const b = 2;' },
      { path: 'README.md', newText: '# app' },
      { path: 'gone.txt' },
    ]);
  });
});
