import { readFileSync, statSync } from 'node:fs';
import { relative } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adapters, type SourceAdapter, type SourceRecord } from '../../src/sources/index.js';
import { REAL_FIXTURES } from '../fixtures/paths.mjs';
import { fixtureCopy, toolFixtures } from '../helpers/fixture-files.js';

// Every source adapter in the registry (new ones are picked up as they land) is fed mutated copies
// of the real transcripts in test/fixtures/real: truncated, bytes flipped, junk lines, values
// of the wrong type, deep nesting, giant strings. read() must never throw; a bad line must come
// back as a counted `skip`; what the good lines said must still come through.
const SLOW = process.env.LORE_SLOW === '1';
const RUNS = SLOW ? 40 : 6;
const REAL = REAL_FIXTURES;

/** The fixtures an adapter reads: files it claims, else every data file in its tool's folder. */
function fixturesFor(adapter: SourceAdapter): string[] {
  const mine = toolFixtures(adapter.id).filter((f) => /\.(jsonl|json|md|db|vscdb|history)$/.test(f) && !f.endsWith('SOURCES.md'));
  const claimed = mine.filter((f) => adapter.matches(f));
  // Keep each run quick: the three smallest-to-largest picks cover the shapes without 2 MB reads per case.
  const picked = (claimed.length > 0 ? claimed : mine).sort((a, b) => statSync(a).size - statSync(b).size);
  return picked.length <= 3 ? picked : [picked[0]!, picked[Math.floor(picked.length / 2)]!, picked[picked.length - 1]!];
}

interface Summary {
  records: number;
  skips: number;
  texts: Set<string>;
  threw?: string;
}

async function readSafely(adapter: SourceAdapter, file: string): Promise<Summary> {
  const s: Summary = { records: 0, skips: 0, texts: new Set() };
  try {
    for await (const rec of adapter.read(file, undefined) as AsyncIterable<SourceRecord>) {
      s.records++;
      if (rec.kind === 'skip') s.skips++;
      if (rec.kind === 'message') s.texts.add(`${rec.message.role}|${rec.message.content}`);
    }
  } catch (err) {
    s.threw = `${(err as Error).name}: ${(err as Error).message}`.slice(0, 300);
  }
  return s;
}

const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
const JUNK_LINES = [
  '{"type":',
  'not json at all',
  '\u0000\u0000\u0000',
  '[1,2,3]',
  'null',
  '42',
  '"just a string"',
  '{"type":"user","message":{"role":"user","content":123}}',
  '{"type":"assistant","message":{"content":[{"type":"text","text":{"nested":true}}]}}',
  '{"type":"response_item","payload":{"type":"message","role":"user","content":"not an array"}}',
  '{"timestamp":12,"type":["array"],"payload":null}',
  `{"deep":${deep(5000)}}`,
  '\ufffd\ufffd invalid utf-8 after decoding',
];

/** Replaces one value in a parsed JSON line by a value of another type. */
function wrongType(line: string, pick: number, replacement: unknown): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  const slots: { parent: Record<string, unknown> | unknown[]; key: string | number }[] = [];
  const visit = (v: unknown) => {
    if (v && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) {
        slots.push({ parent: v as Record<string, unknown>, key: Array.isArray(v) ? Number(k) : k });
        visit(child);
      }
    }
  };
  visit(value);
  if (slots.length === 0) return undefined;
  const slot = slots[pick % slots.length]!;
  (slot.parent as Record<string | number, unknown>)[slot.key] = replacement;
  return JSON.stringify(value);
}

describe('fuzzing the source adapters', () => {
  const tally = { adapters: 0, files: 0, inputs: 0 };

  it('has fixtures for most adapters in the registry', () => {
    const covered = adapters.filter((a) => fixturesFor(a).length > 0);
    expect(adapters.length).toBeGreaterThan(0);
    expect(covered.length).toBeGreaterThanOrEqual(Math.min(adapters.length, 3));
  });

  for (const adapter of adapters) {
    const files = fixturesFor(adapter);
    if (files.length === 0) continue;
    describe(adapter.id, () => {
      for (const file of files) {
        const name = relative(REAL, file);
        const original = readFileSync(file);
        const isLines = /\.(jsonl|md|history)$/.test(file);

        it(`never throws on truncations and byte flips of ${name}`, { timeout: 300_000 }, async () => {
          const clean = await readSafely(adapter, fixtureCopy(file, original));
          expect(clean.threw).toBeUndefined();
          await fc.assert(
            fc.asyncProperty(
              fc.oneof(
                fc.record({ cut: fc.integer({ min: 0, max: original.length }) }),
                fc.record({ flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 30 }) }),
              ),
              async (m) => {
                let bytes: Buffer;
                if ('cut' in m) bytes = original.subarray(0, m.cut);
                else {
                  bytes = Buffer.from(original);
                  for (const [at, b] of m.flips) bytes[at % bytes.length] = b;
                }
                const r = await readSafely(adapter, fixtureCopy(file, bytes));
                tally.inputs++;
                expect(r.threw).toBeUndefined();
              },
            ),
            { numRuns: RUNS },
          );
        });

        if (!isLines) return;
        const lines = original.toString('utf8').split('\n');

        it(`counts junk lines inserted into ${name} as skipped and keeps every other message`, { timeout: 300_000 }, async () => {
          const clean = await readSafely(adapter, fixtureCopy(file, original));
          await fc.assert(
            fc.asyncProperty(fc.integer({ min: 0, max: Math.max(0, lines.length - 2) }), fc.constantFrom(...JUNK_LINES), async (at, junk) => {
              const mutated = [...lines.slice(0, at), junk, ...lines.slice(at)].join('\n');
              const r = await readSafely(adapter, fixtureCopy(file, mutated));
              tally.inputs++;
              expect(r.threw).toBeUndefined();
              // What the good lines said is all still there (in line-delimited JSON; in a markdown
              // history a junk line is just more text of the message around it).
              const lost = [...clean.texts].filter((t) => !r.texts.has(t));
              if (file.endsWith('.jsonl')) expect(lost.slice(0, 3)).toEqual([]);
              // The junk line is counted as skipped (or, shaped like a record, read as one).
              if (file.endsWith('.jsonl')) expect(r.skips > clean.skips || r.texts.size > clean.texts.size).toBe(true);
            }),
            { numRuns: RUNS },
          );
        });

        it(`survives wrong types, deep nesting and giant strings in lines of ${name}`, { timeout: 300_000 }, async () => {
          const replacements = [null, 42, 'text', [], {}, true, [[[[[]]]]], JSON.parse(deep(3000)) as unknown, 'x'.repeat(8_000_000), { content: 7 }];
          await fc.assert(
            fc.asyncProperty(fc.integer({ min: 0, max: Math.max(0, lines.length - 1) }), fc.nat(), fc.integer({ min: 0, max: replacements.length - 1 }), async (at, pick, which) => {
              const changed = wrongType(lines[at]!, pick, replacements[which]);
              if (changed === undefined) return;
              const mutated = [...lines.slice(0, at), changed, ...lines.slice(at + 1)].join('\n');
              const r = await readSafely(adapter, fixtureCopy(file, mutated));
              tally.inputs++;
              expect(r.threw).toBeUndefined();
            }),
            { numRuns: RUNS },
          );
        });
      }
    });
    tally.adapters++;
    tally.files += files.length;
  }

  it('reports what it tried', () => {
    if (process.env.LORE_REPORT) console.log(JSON.stringify(tally));
    expect(tally.adapters).toBeGreaterThan(0);
  });
});
