// Link quality and `lore why` latency. Run: npm run build && node bench/link-quality.mjs
//
// 1. Precision and recall of (request, file) pairs on the scenario set (bench/lib/link-scenarios.mjs):
//    the hand-written scenario (Claude Code + Codex sessions, overlapping files, a reverted edit,
//    a mixed AI/human commit, a rebase) and generated ones (seeded; reverted edits, human changes,
//    prompts that name files the human changed). Everything goes through the built CLI: the
//    transcripts are ingested, linked, and read back with `lore why FILE --json`.
//    Targets: precision ≥ 0.95, recall ≥ 0.9.
// 2. `lore why FILE` on an indexed repository against `git log --follow FILE` (the baseline, same
//    run, same file): a synthetic history made with git fast-import. Target: lore well under git.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generatedScenario, handScenario, makeRepo, pairsFromWhy, score } from './lib/link-scenarios.mjs';
import { CLI, isolatedEnv } from './lib/measure.mjs';

const home = mkdtempSync(join(tmpdir(), 'lore-bench-link-'));
const env = isolatedEnv(home, {
  GIT_AUTHOR_NAME: 'Bench',
  GIT_AUTHOR_EMAIL: 'bench@example.com',
  GIT_COMMITTER_NAME: 'Bench',
  GIT_COMMITTER_EMAIL: 'bench@example.com',
});
const lore = (dir, args) => {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, env, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`lore ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
};
const pairsOf = (dir, files) => files.flatMap((f) => pairsFromWhy(JSON.parse(lore(dir, ['why', f, '--json'])), f));

// --- 1. quality -------------------------------------------------------------------------------
if (process.env.LORE_BENCH_SKIP_QUALITY !== '1') quality();
function quality() {
const expected = [];
const found = [];
const hand = handScenario(env);
lore(hand.dir, ['index', '-q']);
hand.rebase();
lore(hand.dir, ['index', '-q']);
const handFound = pairsOf(hand.dir, hand.files);
const handScore = score(hand.expected, handFound);
expected.push(...hand.expected.map((p) => [`hand:${p[0]}`, p[1]]));
found.push(...handFound.map((p) => [`hand:${p[0]}`, p[1]]));
const rows = [['hand-written', handScore]];
for (const seed of [1, 2, 3]) {
  const g = generatedScenario(env, { seed, requests: 60, fileCount: 12 });
  lore(g.dir, ['index', '-q']);
  const got = pairsOf(g.dir, g.files);
  rows.push([`generated seed ${seed}`, score(g.expected, got)]);
  expected.push(...g.expected.map((p) => [`g${seed}:${p[0]}`, p[1]]));
  found.push(...got.map((p) => [`g${seed}:${p[0]}`, p[1]]));
}
const all = score(expected, found);
const pct = (x) => x.toFixed(3);
console.log('link quality: (request, file) pairs');
for (const [name, s] of rows) console.log(`  ${name.padEnd(20)} expected ${String(s.expected).padStart(4)}  found ${String(s.found).padStart(4)}  correct ${String(s.correct).padStart(4)}  precision ${pct(s.precision)}  recall ${pct(s.recall)}`);
console.log(`  ${'all'.padEnd(20)} expected ${String(all.expected).padStart(4)}  found ${String(all.found).padStart(4)}  correct ${String(all.correct).padStart(4)}  precision ${pct(all.precision)}  recall ${pct(all.recall)}`);
console.log(`  targets: precision ≥ 0.95 ${all.precision >= 0.95 ? 'met' : 'MISSED'}, recall ≥ 0.9 ${all.recall >= 0.9 ? 'met' : 'MISSED'}`);
for (const [req, file] of all.wrong.slice(0, 5)) console.log(`  wrong:   ${file} <- "${req.slice(0, 90)}"`);
for (const [req, file] of all.missing.slice(0, 5)) console.log(`  missing: ${file} <- "${req.slice(0, 90)}"`);
}

// --- 2. latency -------------------------------------------------------------------------------
const commits = Number(process.env.LORE_BENCH_WHY_COMMITS ?? 20000);
const dir = makeRepo('lore-bench-why-');
// fast-import: `commits` commits over 300 files; the target file changes every 25th commit and
// is renamed once half-way, so `git log --follow` must walk the whole history with rename detection.
let stream = '';
const t0 = Date.parse('2024-01-01T00:00:00Z') / 1000;
let target = 'src/core/engine.ts';
for (let i = 0; i < commits; i++) {
  const msg = `change ${i}`;
  stream += `commit refs/heads/main\nmark :${i + 1}\ncommitter Bench <bench@example.com> ${t0 + i * 60} +0000\ndata ${Buffer.byteLength(msg)}\n${msg}\n`;
  if (i > 0) stream += `from :${i}\n`;
  if (i === 0) {
    const pkg = '{ "name": "bench-app", "type": "module" }\n';
    stream += `M 100644 inline package.json\ndata ${Buffer.byteLength(pkg)}\n${pkg}\n`;
  }
  if (i === Math.floor(commits / 2)) {
    stream += `R ${target} src/core/engine-v2.ts\n`;
    target = 'src/core/engine-v2.ts';
  } else if (i % 25 === 0) {
    const body = `export const version = ${i};\n` + Array.from({ length: 40 }, (_, k) => `export const line${k} = ${(i * 31 + k) % 997};`).join('\n') + '\n';
    stream += `M 100644 inline ${target}\ndata ${Buffer.byteLength(body)}\n${body}\n`;
  } else {
    const f = `src/mod${i % 300}.ts`;
    const body = `export const value${i % 300} = ${i};\n`;
    stream += `M 100644 inline ${f}\ndata ${Buffer.byteLength(body)}\n${body}\n`;
  }
}
execFileSync('git', ['fast-import', '--quiet'], { cwd: dir, input: stream, env, maxBuffer: 1 << 28 });
execFileSync('git', ['reset', '-q', '--hard', 'main'], { cwd: dir, env });
let t = Date.now();
lore(dir, ['index', '-q', '--wait']);
const indexMs = Date.now() - t;
const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const time = (fn) => median(Array.from({ length: 5 }, () => ((t = process.hrtime.bigint()), fn(), Number(process.hrtime.bigint() - t) / 1e6)));
const gitArgs = ['log', '--follow', '--format=%H %s', '--', target];
lore(dir, ['why', target]); // the first query after indexing may still settle state: not timed
const gitMs = time(() => execFileSync('git', gitArgs, { cwd: dir, env, maxBuffer: 1 << 28 }));
const whyMs = time(() => lore(dir, ['why', target]));
const whyJsonMs = time(() => lore(dir, ['why', `${target}:1`, '--json']));
// Wall time suffers when other work shares the cores; CPU time (user + sys, the process and the
// children it waited for, from GNU time) is the steadier comparison.
const cpu = (cmd, args) => {
  if (!existsSync('/usr/bin/time')) return undefined;
  const runs = Array.from({ length: 5 }, () => {
    const r = spawnSync('/usr/bin/time', ['-f', '%U %S', cmd, ...args], { cwd: dir, env, encoding: 'utf8', maxBuffer: 1 << 28 });
    const [u, s] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
    return (u + s) * 1000;
  });
  return median(runs);
};
const gitCpu = cpu('git', gitArgs);
const whyCpu = cpu(process.execPath, [CLI, 'why', target]);
console.log(`\nlore why latency: ${commits} commits (indexed in ${(indexMs / 1000).toFixed(1)} s), file with ${Math.ceil(commits / 25)} changes and a rename; median of 5`);
console.log(`  git log --follow (baseline)  ${gitMs.toFixed(0)} ms wall${gitCpu !== undefined ? `, ${gitCpu.toFixed(0)} ms CPU` : ''}`);
console.log(`  lore why FILE                ${whyMs.toFixed(0)} ms wall, ratio ${(whyMs / gitMs).toFixed(2)}×${whyCpu !== undefined ? `; ${whyCpu.toFixed(0)} ms CPU, ratio ${(whyCpu / gitCpu).toFixed(2)}×` : ''}`);
console.log(`  lore why FILE:1 --json       ${whyJsonMs.toFixed(0)} ms wall, ratio ${(whyJsonMs / gitMs).toFixed(2)}×`);

rmSync(home, { recursive: true, force: true });
