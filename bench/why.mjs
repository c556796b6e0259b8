// `lore why FILE` (issue 2): the whole process, on an already indexed 10,000-commit repository,
// vs `git log --follow --name-status -- FILE` on the same file (edited ~1,000 times, renamed
// twice). Target: lore is faster (ratio < 1). Uses the repository cached by bench/backfill.mjs.
// Real repositories too, when given: LORE_BENCH_REPO=<checkout>[:<checkout>...]
// [LORE_BENCH_WHY_FILE=<path>, with one checkout] (default file: the tracked code file with the
// most commits). On each: `lore why FILE` vs `git log --follow` (target ≤ 1×), and
// `lore why FILE:LINE` vs `git blame -L N,N FILE` on the file's middle line (issue 12: ≤ 1.5×;
// issue 17: ≤ 1.2× or ≤ blame + 30 ms), medians of interleaved runs, each with its own
// isolated HOME and database. It also checks that lore names the commit git blame names.
// On each, a correctness check too: each file's history (`why --json` changes) must be the set
// `git log --follow` lists, origin included, for the bench file and LORE_BENCH_WHY_CHECK
// (comma-separated; default: the root files that subtree merges also bring in, as on git/git:
// Makefile, README.md, .gitignore, COPYING).
// LORE_BENCH_HOMES=<dir>: keep each real checkout's HOME (its database and code caches) in
// <dir>/<checkout's name> and reuse it on the next run, instead of indexing a fresh one (git/git
// takes minutes); LORE_BENCH_BEFORE=<another build's cli.js> times that build too, interleaved
// with the others in the same rounds, and prints each figure for it beside this build's.
// On the generated repository, also `lore why FILE` on a machine where an AI tool has been used a
// lot: LORE_BENCH_TRANSCRIPTS (default 10,000; 0 skips it) Claude Code transcripts in 100 project
// folders, read once; a query's catch-up then checks those of its repository's folder (the first
// 100) for change. Against the same answer with none.
// Run: npm run build && node bench/why.mjs
import { cpSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { basename, delimiter, join, resolve } from 'node:path';
import { cachedRepo } from './lib/gen-repo.mjs';
import { CLI, header, isolatedEnv, median, ms, quality, result, timed, waitForWorker } from './lib/measure.mjs';
import { fixtureFiles, replay } from './lib/replay-claude.mjs';

const N = Number(process.env.LORE_BENCH_BACKFILL ?? 10_000);
const RUNS = Number(process.env.LORE_BENCH_RUNS ?? 11);
const { dir, file } = await cachedRepo(resolve('.bench-tmp'), N);
header(`why: ${file} in ${dir}, median of ${RUNS}, interleaved`);
const home = mkdtempSync(resolve('.bench-tmp/why-home-'));
// lore why's code cache too (XDG_CACHE_HOME), warmed by the first run below, as on a user's machine.
const env = isolatedEnv(home);
timed(process.execPath, [CLI, 'index', '--wait', '-q'], { cwd: dir, env });
await waitForWorker(`${dir}/.git`, { appearMs: 0 });

const check = timed(process.execPath, [CLI, 'why', file, '--json'], { cwd: dir, env, keepOutput: true });
const answer = JSON.parse(check.stdout);
const gitCount = timed('git', ['log', '--follow', '--format=%H', '--', file], { cwd: dir, keepOutput: true }).stdout.trim().split('\n').length;
console.log(`  lore why finds ${answer.total} commits, origin ${answer.origin?.path}; git log --follow finds ${gitCount}`);

const BEFORE = process.env.LORE_BENCH_BEFORE ? resolve(process.env.LORE_BENCH_BEFORE) : undefined;

/** RUNS rounds of git, lore (and the LORE_BENCH_BEFORE build), interleaved; their medians. */
function rounds(dir, gitArgs, loreArgs, env) {
  const lore = [];
  const git = [];
  const before = [];
  if (BEFORE) timed(process.execPath, [BEFORE, ...loreArgs], { cwd: dir, env }); // its code cache, as lore's was made by the checks above
  for (let i = 0; i < RUNS; i++) {
    git.push(timed('git', gitArgs, { cwd: dir }).ms);
    lore.push(timed(process.execPath, [CLI, ...loreArgs], { cwd: dir, env }).ms);
    if (BEFORE) before.push(timed(process.execPath, [BEFORE, ...loreArgs], { cwd: dir, env }).ms);
  }
  return { lore: median(lore), git: median(git), before: BEFORE ? median(before) : undefined };
}

const compare = (dir, file, env) => rounds(dir, ['log', '--follow', '--name-status', '--', file], ['why', file], env);
const compareLine = (dir, file, line, env) => rounds(dir, ['blame', '-L', `${line},${line}`, file], ['why', `${file}:${line}`], env);

/** result() for this build, and for the LORE_BENCH_BEFORE build measured in the same rounds. */
function results(r, figure) {
  result({ ...figure, lore: r.lore, baseline: r.git });
  if (r.before !== undefined) result({ ...figure, what: `${figure.what} (before: ${BEFORE})`, lore: r.before, baseline: r.git });
}

const synthetic = compare(dir, file, env);
console.log(`  lore why FILE:LINE                   ${ms(median(Array.from({ length: 5 }, () => timed(process.execPath, [CLI, 'why', `${file}:1`], { cwd: dir, env }).ms)))}`);
console.log(`  node -e '' (process start floor)     ${ms(median(Array.from({ length: 5 }, () => timed(process.execPath, ['-e', '']).ms)))}`);
results(synthetic, { bench: 'why', what: 'lore why FILE (whole process)', baselineLabel: 'git log --follow --name-status', target: '< 1×', maxRatio: 0.999 });

const TRANSCRIPTS = Number(process.env.LORE_BENCH_TRANSCRIPTS ?? 10_000);
if (TRANSCRIPTS > 0) {
  // The same database and code cache, plus the transcripts, read once as `lore init` would.
  const busy = mkdtempSync(resolve('.bench-tmp/why-home-'));
  cpSync(home, busy, { recursive: true });
  const busyEnv = isolatedEnv(busy);
  writeTranscripts(join(busyEnv.CLAUDE_CONFIG_DIR, 'projects'), TRANSCRIPTS, realpathSync(dir));
  const read = timed(process.execPath, [CLI, 'ingest', '-q'], { cwd: dir, env: busyEnv });
  console.log(`  ${TRANSCRIPTS} transcripts read once in ${ms(read.ms)}`);
  const none = [];
  const many = [];
  for (let i = 0; i < RUNS; i++) {
    none.push(timed(process.execPath, [CLI, 'why', file], { cwd: dir, env }).ms);
    many.push(timed(process.execPath, [CLI, 'why', file], { cwd: dir, env: busyEnv }).ms);
  }
  result({ bench: 'why', what: `lore why FILE with ${TRANSCRIPTS} transcripts on the machine (${Math.min(100, TRANSCRIPTS)} of this repository)`, lore: median(many), baseline: median(none), baselineLabel: 'with none', target: '(information)', maxAddedMs: Infinity });
  rmSync(busy, { recursive: true, force: true });
}

/**
 * `n` transcripts, 100 to a project folder, the first folder Claude Code's for sessions started in
 * `repo` (a query there reads that one): the first lines of the real fixtures, each a fresh session.
 */
function writeTranscripts(projects, n, repo) {
  const heads = fixtureFiles().map((f) => readFileSync(f, 'utf8').split('\n').slice(0, 6).join('\n') + '\n');
  for (let i = 0; i < n; i++) {
    const folder = join(projects, i < 100 ? repo.replace(/[^a-zA-Z0-9]/g, '-') : `-work-project-${Math.floor(i / 100)}`);
    if (i % 100 === 0) mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, `transcript-${i}.jsonl`), replay(heads[i % heads.length], `t${i}`));
  }
}

const reals = (process.env.LORE_BENCH_REPO ?? '').split(delimiter).filter(Boolean);
for (const real of reals) {
  const realFile = (reals.length === 1 && process.env.LORE_BENCH_WHY_FILE) || mostChangedCodeFile(real);
  const kept = process.env.LORE_BENCH_HOMES && join(process.env.LORE_BENCH_HOMES, basename(resolve(real)));
  if (kept) mkdirSync(kept, { recursive: true });
  const realHome = kept || mkdtempSync(resolve('.bench-tmp/why-home-'));
  const realEnv = isolatedEnv(realHome);
  timed(process.execPath, [CLI, 'index', '--wait', '-q'], { cwd: real, env: realEnv });
  await waitForWorker(`${real}/.git`, { appearMs: 0 });
  const commits = timed('git', ['rev-list', '--count', 'HEAD'], { cwd: real, keepOutput: true }).stdout.trim();
  const lines = readFileSync(join(real, realFile), 'utf8').split('\n').length - 1;
  const line = Math.max(1, lines >> 1);
  const gitSha = timed('git', ['blame', '--porcelain', '-L', `${line},${line}`, 'HEAD', '--', realFile], { cwd: real, keepOutput: true }).stdout.split(' ')[0];
  const loreSha = JSON.parse(timed(process.execPath, [CLI, 'why', `${realFile}:${line}`, '--json'], { cwd: real, env: realEnv, keepOutput: true }).stdout).blamed?.sha;
  console.log(`  real repository ${real} (${commits} commits), ${realFile} (${lines} lines; line ${line}: lore blames ${loreSha?.slice(0, 10)}, git ${gitSha.slice(0, 10)}${loreSha === gitSha ? '' : ' DIFFERENT'})`);
  const name = real.replace(/\/+$/, '').split('/').pop();
  checkHistories(real, [realFile, ...(process.env.LORE_BENCH_WHY_CHECK ?? 'Makefile,README.md,.gitignore,COPYING').split(',')], realEnv);
  const r = compare(real, realFile, realEnv);
  results(r, { bench: 'why', what: `lore why FILE, ${name}`, baselineLabel: 'git log --follow --name-status', target: '≤ 1×', maxRatio: 1 });
  const b = compareLine(real, realFile, line, realEnv);
  results(b, { bench: 'why', what: `lore why FILE:LINE, ${name}`, baselineLabel: 'git blame -L N,N', target: '≤ 1.2× or ≤ blame + 30 ms', maxRatio: 1.2, orMaxAddedMs: 30 });
  lineContext(real, realFile, line, realEnv, name);
  if (!kept) rmSync(realHome, { recursive: true, force: true });
}
rmSync(home, { recursive: true, force: true });

// What the FILE:LINE figures are made of, printed beside them: the blame lore runs (git with the
// commit-graph lore wrote in .git/lore/objects, which `git commit-graph write --changed-paths`
// would give the repository itself), and, when this environment sets NODE_EXTRA_CA_CERTS (Node 20
// reads that file at every start, before any of lore's code runs), the pair without it.
function lineContext(dir, file, line, env, name) {
  const graph = join(dir, '.git/lore/objects');
  const blameArgs = ['blame', '-L', `${line},${line}`, file];
  const withGraph = median(Array.from({ length: RUNS }, () => timed('git', blameArgs, { cwd: dir, env: { ...process.env, GIT_OBJECT_DIRECTORY: graph } }).ms));
  console.log(`  git blame -L N,N with lore's commit-graph (GIT_OBJECT_DIRECTORY=${graph})  ${ms(withGraph)}`);
  // The floor of any Node program that answers with this blame: Node's start, child_process and the
  // spawn, then the blame itself. Where it is already past blame + 30 ms, no work in lore meets it.
  const floorScript = `require('child_process').spawn('git', ${JSON.stringify(['blame', '--porcelain', '-L', `${line},${line}`, 'HEAD', '--', file])}, { stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, GIT_OBJECT_DIRECTORY: ${JSON.stringify(graph)} } }).stdout.resume();`;
  const bare = (e) => Object.fromEntries(Object.entries(e).filter(([k]) => k !== 'NODE_EXTRA_CA_CERTS'));
  const floor = (e) => median(Array.from({ length: RUNS }, () => timed(process.execPath, ['-e', floorScript], { cwd: dir, env: e }).ms));
  console.log(`  floor: a Node process that only runs that blame  ${ms(floor(process.env))}${process.env.NODE_EXTRA_CA_CERTS ? ` (without NODE_EXTRA_CA_CERTS ${ms(floor(bare(process.env)))})` : ''}`);
  if (!process.env.NODE_EXTRA_CA_CERTS) return;
  const node = median(Array.from({ length: RUNS }, () => timed(process.execPath, ['-e', ''], { env: bare(process.env) }).ms));
  const nodeWith = median(Array.from({ length: RUNS }, () => timed(process.execPath, ['-e', '']).ms));
  console.log(`  node -e '' with NODE_EXTRA_CA_CERTS ${ms(nodeWith)}, without ${ms(node)}`);
  const r = rounds(dir, blameArgs, ['why', `${file}:${line}`], bare(env));
  results(r, { bench: 'why', what: `lore why FILE:LINE, ${name}, without NODE_EXTRA_CA_CERTS`, baselineLabel: 'git blame -L N,N', target: '≤ 1.2× or ≤ blame + 30 ms', maxRatio: 1.2, orMaxAddedMs: 30 });
}

function mostChangedCodeFile(repo) {
  const tracked = new Set(timed('git', ['ls-files'], { cwd: repo, keepOutput: true }).stdout.split('\n'));
  const counts = new Map();
  for (const f of timed('git', ['log', '--format=', '--name-only'], { cwd: repo, keepOutput: true }).stdout.split('\n')) {
    if (tracked.has(f) && /\.([cm]?[jt]sx?|py)$/.test(f)) counts.set(f, (counts.get(f) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'README.md';
}

// lore's history of each tracked file against `git log --follow`'s: same commits, same origin
// (git's oldest). A file whose history git gets wrong is reported, not hidden (docs/performance.md).
function checkHistories(repo, files, env) {
  const tracked = new Set(timed('git', ['ls-files'], { cwd: repo, keepOutput: true }).stdout.split('\n'));
  let same = 0;
  let checked = 0;
  for (const file of [...new Set(files)].filter((f) => tracked.has(f))) {
    const lore = JSON.parse(timed(process.execPath, [CLI, 'why', file, '--json'], { cwd: repo, env, keepOutput: true }).stdout);
    const git = timed('git', ['log', '--follow', '--format=%H', '--', file], { cwd: repo, keepOutput: true }).stdout.trim().split('\n');
    const mine = new Set(lore.changes.map((c) => c.sha));
    const missing = git.filter((sha) => !mine.has(sha)).length;
    const extra = [...mine].filter((sha) => !git.includes(sha)).length;
    const ok = missing === 0 && extra === 0 && lore.origin?.sha === git.at(-1);
    const stray = ok ? undefined : emptyFileStray(repo, file, lore, git);
    console.log(`  ${file}: lore ${mine.size} commits, origin ${lore.origin?.sha?.slice(0, 10) ?? 'none'}; git log --follow ${git.length}, oldest ${git.at(-1)?.slice(0, 10)}; ${missing} missing, ${extra} extra${ok ? '' : stray ? `  (git's --follow strays: ${stray}; lore differs on purpose)` : '  DIFFERENT'}`);
    checked++;
    if (ok || stray) same++;
  }
  quality({ bench: 'why', what: 'files whose history equals git log --follow (real repository), known strays of git apart', value: same, integer: true, target: `${checked} of ${checked}`, ok: same === checked });
}

/**
 * git's --follow treats an empty file as a copy (or rename) of any other empty file: a file created
 * empty in lore's origin commit gets, from git, the history of another empty file before it (Aider's
 * README.md, created empty beside an empty aider/__init__.py, "C100"). lore takes such a file as
 * new. Returns what git followed when that is all that differs, else undefined.
 */
function emptyFileStray(repo, file, lore, git) {
  const origin = lore.origin?.sha;
  const at = origin ? git.indexOf(origin) : -1;
  const mine = new Set(lore.changes.map((c) => c.sha));
  if (at < 0 || git.slice(0, at + 1).some((sha) => !mine.has(sha)) || mine.size !== at + 1) return undefined;
  const status = timed('git', ['log', '--follow', '--format=%H', '--name-status', '-1', origin, '--', file], { cwd: repo, keepOutput: true }).stdout;
  const copied = /^[CR]\d+\t([^\t\n]+)\t/m.exec(status)?.[1];
  if (!copied) return undefined;
  const blob = timed('git', ['rev-parse', `${origin}:${file}`], { cwd: repo, keepOutput: true }).stdout.trim();
  const emptyBlob = 'e69de29bb2d1d6434b8b29ae775ad8c2e48c5391';
  return blob === emptyBlob ? `${file} was created empty in ${origin.slice(0, 10)}, and git followed the empty ${copied} before it` : undefined;
}
