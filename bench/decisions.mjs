// Decision extraction on real sentences (issue 12, item 12). Run: node bench/decisions.mjs
//
// test/fixtures/decisions-labelled.json holds sentences of the real transcripts in
// test/fixtures/real, each labelled decision / not-decision by the rule written at its top
// (labels written before this bench first measured anything; never relabel to fit an extractor).
// It has both sentences the extractor took when the set was made and sentences it did not, so
// recall means something. Each sentence is checked to still be at its line of its fixture.
// The extractor is lore's own (src/link/decisions.ts, bundled from src as the other in-process
// benches do), applied to the sentence as lore's splitter cut it.
// Prints precision and recall of "is a decision"; target: precision ≥ 0.9 (recall has none yet).
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { REAL_FIXTURES } from '../test/fixtures/paths.mjs';
import { sentenceAt } from './lib/fixture-text.mjs';
import { header, quality } from './lib/measure.mjs';

const SET = resolve('test/fixtures/decisions-labelled.json');
const TOP = Number(process.env.LORE_DECISIONS_EXAMPLES ?? 10);

const outdir = resolve('.bench-tmp/decisions');
await build({ entryPoints: { decisions: 'src/link/decisions.ts' }, outdir, format: 'esm', bundle: true, platform: 'node', logLevel: 'error' });
const { decisionSentences } = await import(join(outdir, 'decisions.js'));

header('decisions: labelled real sentences');
const { items } = JSON.parse(readFileSync(SET, 'utf8'));
const moved = items.filter((it) => !sentenceAt(join(REAL_FIXTURES, it.file), it.line, it.sentence));
if (moved.length) {
  for (const it of moved) console.log(`  not found at ${it.file}:${it.line}: "${it.sentence.slice(0, 80)}"`);
  throw new Error(`${moved.length} labelled sentences are not where the set says`);
}

const rows = items.map((it) => ({ ...it, picked: decisionSentences(it.sentence).length > 0, tool: it.file.split('/')[0] }));
const tp = rows.filter((r) => r.picked && r.label === 'decision');
const fp = rows.filter((r) => r.picked && r.label !== 'decision');
const fn = rows.filter((r) => !r.picked && r.label === 'decision');
const decisions = rows.filter((r) => r.label === 'decision').length;
const picked = rows.filter((r) => r.picked).length;
console.log(`  ${rows.length} sentences (${decisions} decisions), ${picked} picked by the extractor, ${tp.length} of them decisions`);
const tools = [...new Set(rows.map((r) => r.tool))].sort();
for (const t of tools) {
  const r = rows.filter((x) => x.tool === t);
  console.log(`    ${t.padEnd(16)} sentences ${String(r.length).padStart(3)}  decisions ${String(r.filter((x) => x.label === 'decision').length).padStart(3)}  picked ${String(r.filter((x) => x.picked).length).padStart(3)}  right ${String(r.filter((x) => x.picked && x.label === 'decision').length).padStart(3)}`);
}
const show = (title, list) => {
  console.log(`  ${title}: ${list.length}`);
  for (const r of list.slice(0, TOP)) console.log(`    ${r.file}:${r.line} "${r.sentence.length > 100 ? `${r.sentence.slice(0, 97)}...` : r.sentence}" (${r.reason})`);
};
show('picked, not a decision', fp);
show('decision, not picked', fn);
const precision = picked === 0 ? 1 : tp.length / picked;
const recall = decisions === 0 ? 1 : tp.length / decisions;
quality({ bench: 'decisions', what: 'precision, labelled real sentences', value: precision, target: '≥ 0.9', ok: precision >= 0.9 });
quality({ bench: 'decisions', what: 'recall, labelled real sentences', value: recall });
