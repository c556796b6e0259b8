// Runs every benchmark in bench/ (npm run bench), one after another, each in its own process.
// Add a benchmark by adding bench/NAME.mjs; list it here only to fix its order.
// A benchmark may print `##result {json}` lines (bench/lib/measure.mjs: result()); they are
// gathered into the summary table printed at the end; quality figures (`kind: 'quality'`,
// measure.mjs: quality()) into a table of their own.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createInterface } from 'node:readline';

const first = ['redact.mjs', 'ingest.mjs', 'search.mjs', 'watch.mjs', 'link-quality.mjs', 'import-graph.mjs', 'hook-cost.mjs', 'backfill.mjs', 'why.mjs'];
const all = readdirSync('bench').filter((f) => f.endsWith('.mjs') && f !== 'run.mjs');
const only = process.argv.slice(2);
const order = [...first.filter((f) => all.includes(f)), ...all.filter((f) => !first.includes(f)).sort()].filter(
  (f) => only.length === 0 || only.some((o) => f.startsWith(o)),
);
let failed = 0;
const results = [];
for (const f of order) {
  console.log(`\n## bench/${f}`);
  const child = spawn(process.execPath, [`bench/${f}`], { stdio: ['inherit', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => {
    if (line.startsWith('##result ')) results.push(JSON.parse(line.slice('##result '.length)));
    else console.log(line);
  });
  const code = await new Promise((resolve) => child.on('close', resolve));
  if (code !== 0) failed++;
}
const timings = results.filter((r) => r.kind !== 'quality');
const qualities = results.filter((r) => r.kind === 'quality');
if (timings.length > 0) {
  const rows = timings.map((r) => [r.bench, r.what, r.lore.toFixed(1), `${r.baseline.toFixed(1)} (${r.baselineLabel})`, `${r.ratio.toFixed(2)}×`, r.target, r.ok ? 'met' : 'MISSED']);
  const head = ['bench', 'figure', 'lore ms', 'baseline ms', 'ratio', 'target', ''];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => String(c).padEnd(widths[i])).join('  ').trimEnd();
  console.log(`\n## summary (load average at the time: ${timings.map((r) => r.load.toFixed(1)).join(', ')})`);
  console.log(line(head));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const r of rows) console.log(line(r));
}
if (qualities.length > 0) {
  const rows = qualities.map((r) => [r.bench, r.what, r.shown, r.target ?? '-', r.ok === null ? '' : r.ok ? 'met' : 'MISSED']);
  const head = ['bench', 'figure', 'value', 'target', ''];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => String(c).padEnd(widths[i])).join('  ').trimEnd();
  console.log('\n## quality');
  console.log(line(head));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const r of rows) console.log(line(r));
}
process.exitCode = failed ? 1 : 0;
