import { describe, expect, it } from 'vitest';
import { scoreEdit } from '../../src/link/evidence.js';

// A one-line partial Edit, as Claude Code records it: the strings are fragments of the line; the
// tool result's structuredPatch has the whole line.
const partial = { tool: 'Edit', oldText: '(a)', newText: '(a, b)' };
const hunk = '@@ -1,3 +1,3 @@\n-export function add(a) {\n+export function add(a, b) {\n   return a;\n }';

describe('scoreEdit with the tool\'s hunks', () => {
  it('finds a hunk\'s whole added line in the commit where the fragment is too short to judge', () => {
    const diff = { added: ['export function add(a, b) {'], removed: ['export function add(a) {'] };
    expect(scoreEdit(partial, diff)).toMatchObject({ kind: 'edit-window' });
    expect(scoreEdit({ ...partial, patch: hunk }, diff)).toMatchObject({ kind: 'edit-text', confidence: 0.95 });
  });

  it('counts a partial hunk match for the link, never against it', () => {
    const two = '@@ -1,1 +1,2 @@\n-const limit = 10;\n+const limit = 20;\n+const retries = 3;';
    const diff = { added: ['const limit = 20;', 'const timeout = 5;'], removed: ['const limit = 10;'] };
    expect(scoreEdit({ tool: 'Edit', oldText: 'const limit = 10;', newText: 'const limit = 20;\nconst retries = 3;', patch: two }, diff)).toMatchObject({ kind: 'edit-text', confidence: 0.88 });
    const three = '@@ -1,1 +1,3 @@\n-const limit = 10;\n+const limit = 20;\n+const retries = 3;\n+const backoff = 2;';
    expect(scoreEdit({ tool: 'Edit', oldText: null, newText: null, patch: three }, diff)).toMatchObject({ kind: 'edit-text-partial' });
    // The hunks miss (the line was reworded before the commit) but the edit's fragment is there:
    // the text's evidence stands.
    const reworded = { tool: 'Edit', oldText: 'limit = 10', newText: 'limit = 20', patch: '@@ -1 +1 @@\n-let limit = 10;\n+let limit = 20;' };
    expect(scoreEdit(reworded, diff)).toMatchObject({ kind: 'edit-text' });
  });

  it('still finds an edit reverted before the commit: neither hunk nor text is in it', () => {
    const diff = { added: ['export const other = 1;'], removed: [] };
    expect(scoreEdit({ ...partial, patch: hunk }, diff)).toBe('contradicted');
  });
});
