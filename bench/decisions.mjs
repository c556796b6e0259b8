// Decision extraction on real sentences (issue 12, item 12). Run: node bench/decisions.mjs
//
// test/fixtures/decisions-labelled.json holds sentences of the real transcripts in
// test/fixtures/real, each labelled decision / not-decision by the rule written at its top
// (labels written before this bench first measured anything; never relabel to fit an extractor).
// It has both sentences the extractor took when the set was made and sentences it did not, so
// recall means something. Each sentence is checked to still be at its line of its fixture.
// The extractor is lore's own (src/link/decisions.ts, bundled from src as the other in-process
// benches do), applied to the sentence as lore's splitter cut it.
// Prints precision and recall of "is a decision", on the whole set and on its tuning and held-out
// parts; target: precision ≥ 0.9 (recall has none yet). LORE_DECISIONS_SHOW_HELD_OUT=1 also lists
// the held-out part's errors (don't tune on them).
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
const { items, split } = JSON.parse(readFileSync(SET, 'utf8'));
const moved = items.filter((it) => !sentenceAt(join(REAL_FIXTURES, it.file), it.line, it.sentence));
if (moved.length) {
  for (const it of moved) console.log(`  not found at ${it.file}:${it.line}: "${it.sentence.slice(0, 80)}"`);
  throw new Error(`${moved.length} labelled sentences are not where the set says`);
}

// The held-out part was fixed before the rules were tuned (the set's "split"); examples are shown
// from the tuning part only, so reading the bench's output does not tune on the held-out part.
const isHeldOut = (it) =>
  (it.file.startsWith('aider/') && it.line >= split.aiderHeldOutFromLine) || split.heldOutProjects.includes(it.file.split('/')[1]);
const rows = items.map((it) => ({ ...it, picked: decisionSentences(it.sentence).length > 0, tool: it.file.split('/')[0], part: isHeldOut(it) ? 'held-out' : 'tuning' }));
const score = (list) => {
  const picked = list.filter((r) => r.picked);
  const right = picked.filter((r) => r.label === 'decision').length;
  const decisions = list.filter((r) => r.label === 'decision').length;
  return { n: list.length, decisions, picked: picked.length, right, precision: picked.length === 0 ? 1 : right / picked.length, recall: decisions === 0 ? 1 : right / decisions };
};
const all = score(rows);
console.log(`  ${all.n} sentences (${all.decisions} decisions), ${all.picked} picked by the extractor, ${all.right} of them decisions`);
const tools = [...new Set(rows.map((r) => r.tool))].sort();
for (const t of tools) {
  const r = score(rows.filter((x) => x.tool === t));
  console.log(`    ${t.padEnd(16)} sentences ${String(r.n).padStart(3)}  decisions ${String(r.decisions).padStart(3)}  picked ${String(r.picked).padStart(3)}  right ${String(r.right).padStart(3)}`);
}
for (const part of ['tuning', 'held-out']) {
  const r = score(rows.filter((x) => x.part === part));
  console.log(`    ${part.padEnd(16)} sentences ${String(r.n).padStart(3)}  decisions ${String(r.decisions).padStart(3)}  picked ${String(r.picked).padStart(3)}  right ${String(r.right).padStart(3)}  precision ${r.precision.toFixed(3)}  recall ${r.recall.toFixed(3)}`);
}
const shown = process.env.LORE_DECISIONS_SHOW_HELD_OUT === '1' ? rows : rows.filter((r) => r.part === 'tuning');
const show = (title, list) => {
  console.log(`  ${title}: ${list.length}`);
  for (const r of list.slice(0, TOP)) console.log(`    ${r.file}:${r.line} "${r.sentence.length > 100 ? `${r.sentence.slice(0, 97)}...` : r.sentence}" (${r.reason})`);
};
show('picked, not a decision (tuning part)', shown.filter((r) => r.picked && r.label !== 'decision'));
show('decision, not picked (tuning part)', shown.filter((r) => !r.picked && r.label === 'decision'));
const { precision, recall } = all;
quality({ bench: 'decisions', what: 'precision, labelled real sentences', value: precision, target: '≥ 0.9', ok: precision >= 0.9 });
quality({ bench: 'decisions', what: 'recall, labelled real sentences', value: recall });
const held = score(rows.filter((x) => x.part === 'held-out'));
quality({ bench: 'decisions', what: 'precision, held-out part', value: held.precision });
quality({ bench: 'decisions', what: 'recall, held-out part', value: held.recall });
