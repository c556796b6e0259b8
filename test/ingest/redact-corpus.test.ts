import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { redact } from '../../src/ingest/index.js';
import { random as rng } from '../../bench/lib/random.mjs';
import { REAL_FIXTURES } from '../fixtures/paths.mjs';

// Ordinary text that merely looks random must come through untouched. Each category is a list of
// samples (lines, ids, blobs); a sample with any redaction in it is a false positive.
// `LORE_REPORT=1 npx vitest run test/ingest/redact-corpus.test.ts` prints the rates.

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else out.push(path);
  }
  return out;
}

function hex(r: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += '0123456789abcdef'[Math.floor(r() * 16)];
  return s;
}

function corpus(): Record<string, string[]> {
  const r = rng(1);
  const sources = walk(resolve('src')).filter((f) => f.endsWith('.ts') && !f.endsWith('redact.ts'));
  const code = sources.map((f) => readFileSync(f, 'utf8'));
  const uuid = () => `${hex(r, 8)}-${hex(r, 4)}-4${hex(r, 3)}-a${hex(r, 3)}-${hex(r, 12)}`;
  const identifiers = code.join('\n').match(/[A-Za-z_][A-Za-z0-9_]{12,}/g) ?? [];
  const out: Record<string, string[]> = {
    'git shas': Array.from({ length: 2000 }, () => hex(r, 40)),
    'commit lines': Array.from({ length: 500 }, () => `commit ${hex(r, 40)}\nMerge: ${hex(r, 7)} ${hex(r, 7)}\nChange-Id: I${hex(r, 40)}`),
    uuids: Array.from({ length: 2000 }, uuid),
    'sha256 digests': Array.from({ length: 1000 }, () => `sha256:${hex(r, 64)}`),
    'base64 of code (76-col lines)': code.flatMap((c) => Buffer.from(c).toString('base64').match(/.{1,76}/g) ?? []),
    'base64 of code (whole files)': code.map((c) => Buffer.from(c).toString('base64')),
    'package-lock.json lines': readFileSync('package-lock.json', 'utf8').split('\n'),
    'source lines': code.flatMap((c) => c.split('\n')),
    'long identifiers': identifiers,
    'TypeScript lib declarations': readFileSync('node_modules/typescript/lib/lib.dom.d.ts', 'utf8').split('\n'),
  };
  const fixtures = REAL_FIXTURES;
  if (existsSync(fixtures)) {
    out['real transcripts (lines)'] = walk(fixtures)
      .filter((f) => /\.(jsonl|json|md)$/.test(f))
      .flatMap((f) => readFileSync(f, 'utf8').split('\n'));
  }
  return out;
}

describe('redact: false positives on text that only looks random', () => {
  const categories = corpus();
  const rates: Record<string, { samples: number; flagged: number; rate: string }> = {};
  let samples = 0;
  let flagged = 0;
  for (const [name, items] of Object.entries(categories)) {
    const hits = items.filter((t) => redact(t).count > 0).length;
    rates[name] = { samples: items.length, flagged: hits, rate: `${((hits / Math.max(1, items.length)) * 100).toFixed(3)}%` };
    samples += items.length;
    flagged += hits;
  }
  if (process.env.LORE_REPORT) console.log({ ...rates, total: { samples, flagged, rate: `${((flagged / samples) * 100).toFixed(3)}%` } });

  it('leaves git shas, UUIDs, digests, base64 and lockfile hashes alone entirely', () => {
    for (const name of ['git shas', 'commit lines', 'uuids', 'sha256 digests', 'base64 of code (76-col lines)', 'base64 of code (whole files)', 'package-lock.json lines', 'long identifiers']) {
      expect({ name, flagged: rates[name]!.flagged }).toEqual({ name, flagged: 0 });
    }
  });

  it('flags under 0.1% of code and transcript lines', () => {
    for (const name of ['source lines', 'TypeScript lib declarations', 'real transcripts (lines)']) {
      if (!rates[name]) continue;
      expect(rates[name]!.flagged / rates[name]!.samples).toBeLessThan(0.001);
    }
    expect(samples).toBeGreaterThan(50_000);
    expect(flagged / samples).toBeLessThan(0.001);
  });
});
