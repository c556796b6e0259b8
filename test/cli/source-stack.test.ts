import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sourceStack } from '../../src/cli/source-stack.js';
import { CLI } from '../helpers/cli.js';

// A bug report's stack from the fast commands' bundle (built without whitespace, run through
// vm.Script where --enable-source-maps does not reach) points into src/, through its source map.
describe('sourceStack', () => {
  it('tells a position in dist/fast.cjs as the position in src/, and leaves others alone', () => {
    const bundle = join(dirname(CLI), 'fast.cjs');
    const text = readFileSync(bundle, 'utf8');
    const at = text.indexOf('async function answer(');
    expect(at).toBeGreaterThan(0);
    const before = text.slice(0, at).split('\n');
    const line = before.length;
    const column = before.at(-1)!.length + 1 + 'async function '.length;
    const stack = `Error: boom\n    at answer (${bundle}:${line}:${column})\n    at elsewhere (/nowhere/x.js:3:4)\n    at node:internal/process/task_queues:95:5`;
    const mapped = sourceStack(stack).split('\n');
    expect(mapped[0]).toBe('Error: boom');
    expect(mapped[1]).toMatch(/^ {4}at answer \(.*[\\/]src[\\/]query[\\/]why\.ts:\d+:\d+\)$/);
    const [, srcLine] = /why\.ts:(\d+):/.exec(mapped[1]!)!;
    expect(readFileSync(join(dirname(CLI), '..', 'src', 'query', 'why.ts'), 'utf8').split('\n')[Number(srcLine) - 1]).toContain('function answer(');
    expect(mapped.slice(2)).toEqual(['    at elsewhere (/nowhere/x.js:3:4)', '    at node:internal/process/task_queues:95:5']);
  });
});
