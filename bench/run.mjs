// Runs every benchmark in bench/ (npm run bench), one after another, each in its own process.
// Add a benchmark by adding bench/NAME.mjs; list it here only to fix its order.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const first = ['redact.mjs', 'ingest.mjs', 'search.mjs', 'watch.mjs', 'link-quality.mjs', 'import-graph.mjs'];
const all = readdirSync('bench').filter((f) => f.endsWith('.mjs') && f !== 'run.mjs');
const order = [...first.filter((f) => all.includes(f)), ...all.filter((f) => !first.includes(f)).sort()];
let failed = 0;
for (const f of order) {
  console.log(`\n## bench/${f}`);
  const r = spawnSync(process.execPath, [`bench/${f}`], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exitCode = failed ? 1 : 0;
