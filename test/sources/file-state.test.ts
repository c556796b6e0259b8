import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { headHash, isSameHead, recordOf, resumePoint } from '../../src/sources/file-state.js';
import { tempDir } from './adapter-harness.js';

const tmpFile = (text: string): string => {
  const file = join(tempDir('lore-head-'), 'log.jsonl');
  writeFileSync(file, text);
  return file;
};

describe('isSameHead (was the file rewritten?)', () => {
  it('holds for a file that only grew, and fails for one rewritten, an unknown head always holding', () => {
    const file = tmpFile('{"a":1}\n');
    const stored = headHash(file)!;
    expect(stored).toMatch(/^8:[0-9a-f]{40}$/);
    appendFileSync(file, '{"b":2}\n');
    expect(isSameHead(file, stored)).toBe(true);
    writeFileSync(file, '{"z":9}\n{"b":2}\n');
    expect(isSameHead(file, stored)).toBe(false);
    expect(isSameHead(file, undefined)).toBe(true);
    expect(isSameHead(file, 'garbled')).toBe(false);
  });

  it("reuses this run's head hash when it covers the stored length, and reads the file when it does not", () => {
    const file = tmpFile('x'.repeat(300));
    const stored = headHash(file)!; // 256 bytes
    // A hash of the same length is taken as the file's head: the file is not read again.
    expect(isSameHead(file, stored, stored)).toBe(true);
    expect(isSameHead(file, stored, `256:${'0'.repeat(40)}`)).toBe(false);
    // Of another length it says nothing about the stored one: the head is read and hashed.
    expect(isSameHead(file, stored, `10:${'0'.repeat(40)}`)).toBe(true);
  });
});

describe('resumePoint', () => {
  it('resumes an appended file at its cursor and starts a rewritten or shrunk one over', () => {
    const file = tmpFile('line one\n');
    const first = resumePoint(file, undefined);
    expect(first.start).toBe(0);
    const cursor = first.cursorAt(9);
    appendFileSync(file, 'line two\n');
    expect(resumePoint(file, cursor).start).toBe(9);
    writeFileSync(file, 'LINE ONE\nline two\n');
    expect(resumePoint(file, cursor).start).toBe(0);
    writeFileSync(file, 'line');
    expect(resumePoint(file, { ...cursor, headHash: undefined }).start).toBe(0);
  });
});

describe('recordOf (tool arguments as an object or as JSON text)', () => {
  it('takes an object as it is, parses JSON text of one, and gives {} for anything else', () => {
    const args = { path: 'a.ts' };
    expect(recordOf(args)).toBe(args);
    expect(recordOf('{"path":"a.ts","n":1}')).toEqual({ path: 'a.ts', n: 1 });
    for (const other of ['[1,2]', '"a.ts"', '{"path":', '*** Begin Patch', 42, null, undefined, ['a']]) expect(recordOf(other)).toEqual({});
  });
});
