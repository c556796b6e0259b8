import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { logArgs, parseChanges, parseCommit, parseNumstat } from '../../src/git/log.js';
import { commit, gitRepo } from '../helpers/git-repo.js';

// The git log parser fed real `git log` output (renames, merges, binary files, odd names, long
// bodies), then mutated: truncated, bytes flipped, junk records inserted, fields of the wrong
// shape, giant fields. Nothing may throw; a broken record is dropped (undefined) or parsed into a
// record with a valid sha; the records around it parse exactly as before.
const SLOW = process.env.LORE_SLOW === '1';
const RS = '\x1e';
const runs = SLOW ? 2000 : 250;

function realLog(): string[] {
  const repo = gitRepo({ 'src/a.ts': 'export const a = 1;\n', 'bin.dat': '\u0000\u0001\u0002' });
  commit(repo, { 'src/b.ts': 'import { a } from "./a.js";\n', 'weird name\twith tab.txt': 'x\n' }, 'add b\n\nA body\nover lines\n\nCo-authored-by: X <x@example.com>');
  commit(repo, { 'src/a.ts': null, 'src/renamed.ts': 'export const a = 1;\n' }, 'rename a');
  commit(repo, { 'bin.dat': '\u0000\u0009\u0002more', 'ünïcødé/файл.md': '# hi\n' }, 'binary and unicode');
  commit(repo, {}, 'empty', { args: ['--allow-empty'] });
  commit(repo, { 'src/b.ts': `${'line\n'.repeat(500)}` }, `${'long subject '.repeat(40)}\n\n${'body '.repeat(2000)}`);
  const out = execFileSync('git', logArgs(['--numstat', 'HEAD']), { cwd: repo, encoding: 'utf8', maxBuffer: 1 << 28 });
  return out.split(RS).slice(1);
}

describe('fuzzing the git log parser', () => {
  const records = realLog();
  const parsedClean = records.map((r) => parseCommit(r));

  it('parses the real records it is fuzzed from', () => {
    expect(records.length).toBe(6);
    expect(parsedClean.every((c) => c && /^[0-9a-f]{40}$/.test(c.sha))).toBe(true);
    const renamed = parsedClean.find((c) => c?.subject === 'rename a');
    expect(renamed?.files).toContainEqual(expect.objectContaining({ status: 'R', oldPath: 'src/a.ts', path: 'src/renamed.ts' }));
  });

  const mutation = fc.oneof(
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('flip' as const), at: fc.array(fc.nat(), { minLength: 1, maxLength: 8 }), to: fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }) }),
    fc.record({ kind: fc.constant('junk' as const), text: fc.string({ unit: 'binary', maxLength: 200 }) }),
    fc.record({ kind: fc.constant('separators' as const), text: fc.array(fc.constantFrom('\x1f', '\0', '\n', ':', '\t', ' ', 'R100', 'M', '-', '0'), { maxLength: 60 }).map((a) => a.join('')) }),
    fc.record({ kind: fc.constant('giant' as const), size: fc.integer({ min: 100_000, max: 2_000_000 }) }),
  );

  function mutate(record: string, m: fc.Arbitrary<unknown> extends never ? never : { kind: string; at?: number | number[]; to?: number[]; text?: string; size?: number }): string {
    switch (m.kind) {
      case 'truncate':
        return record.slice(0, (m.at as number) % (record.length + 1));
      case 'flip': {
        const chars = [...record];
        (m.at as number[]).forEach((at, i) => {
          if (chars.length > 0) chars[at % chars.length] = String.fromCharCode(m.to![i]!);
        });
        return chars.join('');
      }
      case 'junk':
        return m.text!;
      case 'separators':
        return record.slice(0, 60) + m.text! + record.slice(60);
      default:
        return record.replace('\x1f', `\x1f${'x'.repeat(m.size!)}`);
    }
  }

  it(`never throws on ${runs} mutated records, and keeps the records around a broken one`, () => {
    let tried = 0;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: records.length - 1 }), mutation, (index, m) => {
        const broken = mutate(records[index]!, m as never);
        const c = parseCommit(broken);
        tried++;
        if (c) {
          expect(c.sha).toMatch(/^[0-9a-f]{40,64}$/);
          expect(Array.isArray(c.files)).toBe(true);
          for (const f of c.files) expect(typeof f.path).toBe('string');
        }
        // The stream around it: every other record parses exactly as it did.
        const all = records.map((r, i) => (i === index ? broken : r));
        all.forEach((r, i) => {
          if (i !== index) expect(parseCommit(r)).toEqual(parsedClean[i]);
        });
      }),
      { numRuns: runs },
    );
    expect(tried).toBe(runs);
  });

  it('never throws in parseChanges or parseNumstat on arbitrary NUL-separated input', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string(), fc.constantFrom(':100644 100644 abc def R087', ':000000 100644 0 1 A', '3\t4\t', '-\t-\tbin', '')), { maxLength: 40 }), (tokens) => {
        const changes = parseChanges(tokens.join('\0'));
        for (const c of changes) expect(['A', 'M', 'D', 'R', 'C', 'T']).toContain(c.status);
        expect(Array.isArray(parseNumstat(tokens.join('\0')))).toBe(true);
      }),
      { numRuns: runs },
    );
  });
});
