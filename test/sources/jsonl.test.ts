import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJsonl, type RawLine } from '../../src/sources/index.js';

const tmpFile = (content: string | Buffer) => {
  const f = join(mkdtempSync(join(tmpdir(), 'lore-jsonl-')), 'a.jsonl');
  writeFileSync(f, content);
  return f;
};

async function all(file: string, options = {}): Promise<RawLine[]> {
  const out: RawLine[] = [];
  for await (const l of readJsonl(file, options)) out.push(l);
  return out;
}

describe('readJsonl', () => {
  it('yields complete lines with their byte offsets and line numbers', async () => {
    const f = tmpFile('{"a":1}\n{"b":"é"}\n');
    expect(await all(f)).toEqual([
      { line: 1, start: 0, end: 8, value: { a: 1 } },
      { line: 2, start: 8, end: 19, value: { b: 'é' } },
    ]);
  });

  it('leaves a partial last line until its newline arrives, then resumes from the offset', async () => {
    const f = tmpFile('{"a":1}\n{"b":');
    const first = await all(f);
    expect(first.map((l) => l.value)).toEqual([{ a: 1 }]);
    appendFileSync(f, '2}\n');
    const rest = await all(f, { offset: first[0]!.end, startLine: 2 });
    expect(rest).toEqual([{ line: 2, start: 8, end: 16, value: { b: 2 } }]);
  });

  it('reports bad JSON and invalid UTF-8 per line and keeps going', async () => {
    const f = tmpFile(Buffer.concat([Buffer.from('{"a":1}\nnot json\n'), Buffer.from([0x22, 0xff, 0xfe, 0x22, 0x0a]), Buffer.from('{"c":3}\n')]));
    const lines = await all(f);
    expect(lines.map((l) => [l.line, l.error ?? l.value])).toEqual([
      [1, { a: 1 }],
      [2, 'invalid JSON'],
      [3, 'invalid UTF-8'],
      [4, { c: 3 }],
    ]);
  });

  it('skips a line over the limit across many reads and resumes at the next line', async () => {
    const big = `{"x":"${'y'.repeat(5000)}"}\n`;
    const f = tmpFile(`{"a":1}\n${big}{"b":2}\n`);
    const lines = await all(f, { maxLineBytes: 1000, chunkBytes: 64 });
    expect(lines.map((l) => l.error ?? l.value)).toEqual([{ a: 1 }, `line of ${big.length - 1} bytes is over the 1000-byte limit`, { b: 2 }]);
    expect(lines[2]!.line).toBe(3);
    expect(lines[2]!.end).toBe(8 + big.length + 8);
  });

  it('joins a line split across reads', async () => {
    const f = tmpFile('{"a":"0123456789"}\n{"b":1}\n');
    expect((await all(f, { chunkBytes: 4 })).map((l) => l.value)).toEqual([{ a: '0123456789' }, { b: 1 }]);
  });
});
