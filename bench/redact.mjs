// Redaction throughput: the text of every message in the real fixtures (tool output, prompts,
// code), replayed to ~20 MB, redacted; against a bare JSON.parse of the same transcript lines in
// the same run. Prints MB/s for both and the ratio. Run: npm run build && node bench/redact.mjs
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { REAL_FIXTURES } from '../test/fixtures/paths.mjs';

const out = resolve('.bench-tmp/redact.mjs');
await build({ entryPoints: ['src/ingest/redact.ts'], outfile: out, format: 'esm', bundle: true, platform: 'node', logLevel: 'error' });
const { redact } = await import(out);

const walk = (d, acc = []) => {
  for (const f of readdirSync(d)) {
    const p = join(d, f);
    if (statSync(p).isDirectory()) walk(p, acc);
    else acc.push(p);
  }
  return acc;
};
const files = walk(REAL_FIXTURES).filter((f) => f.endsWith('.jsonl'));
const lines = files.flatMap((f) => readFileSync(f, 'utf8').split('\n').filter(Boolean));
const texts = [];
const collect = (v) => {
  if (typeof v === 'string') texts.push(v);
  else if (v && typeof v === 'object') for (const x of Object.values(v)) collect(x);
};
for (const l of lines) collect(JSON.parse(l));

const target = 20e6;
const repeat = (arr, size) => {
  const outArr = [];
  let n = 0;
  while (n < size) for (const t of arr) { outArr.push(t); n += t.length; }
  return outArr;
};
const bigTexts = repeat(texts, target);
const bigLines = repeat(lines, target);
const mb = (arr) => arr.reduce((a, t) => a + Buffer.byteLength(t), 0) / 1e6;

const time = (fn) => {
  fn(); // warm up
  const runs = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    fn();
    runs.push(performance.now() - t);
  }
  return Math.min(...runs) / 1000;
};
const parseS = time(() => { for (const l of bigLines) JSON.parse(l); });
let found = 0;
const redactS = time(() => { found = 0; for (const t of bigTexts) found += redact(t).count; });
const parseRate = mb(bigLines) / parseS;
const redactRate = mb(bigTexts) / redactS;
console.log(`redact: ${redactRate.toFixed(0)} MB/s over ${mb(bigTexts).toFixed(1)} MB of message text (${found} redactions)`);
console.log(`baseline JSON.parse: ${parseRate.toFixed(0)} MB/s over ${mb(bigLines).toFixed(1)} MB of transcript lines`);
console.log(`ratio (redact time per MB / JSON.parse time per MB): ${(parseRate / redactRate).toFixed(2)}x`);
