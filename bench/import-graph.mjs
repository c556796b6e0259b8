// Import graph, cold and warm, against dependency-cruiser on the same files in the same run.
//
//   npm run build && node bench/import-graph.mjs                       # a generated repo of ~1,000 TS files
//   LORE_BENCH_REPO=/path/to/checkout node bench/import-graph.mjs      # a real repository (its tracked files)
//
// The repository's tracked files are copied into .bench-tmp/ and committed there (the original is
// never touched), and workspace packages are linked under node_modules/ as a package manager would,
// so dependency-cruiser can resolve them (lore needs no install). Cold: a fresh Node process per run
// for both tools (start-up and module loading included), the median of 3. Warm: one file edited
// after a cold run, timed in the same process (as the watcher would) and in a fresh process (as
// `lore index` would). Edges are compared as unique (importer, imported) pairs of tracked files.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, appendFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..');
const tmp = join(repoRoot, '.bench-tmp', 'import-graph');
const bundle = join(repoRoot, '.bench-tmp', 'import-graph-lore.mjs');
const CODE = /\.(?:ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;
// Loaded into both tools' processes: writes the process's CPU time (user + system, all threads) at
// exit, which the shared 2-core machine disturbs far less than wall time.
const cpuHook = join(repoRoot, '.bench-tmp', 'import-graph-cpu.mjs');
const cpuOut = join(repoRoot, '.bench-tmp', 'import-graph-cpu.txt');

if (process.argv[2] === '--child') await child(process.argv.slice(3));
else await main();

async function main() {
  const { build } = await import('esbuild');
  mkdirSync(dirname(bundle), { recursive: true });
  writeFileSync(
    join(repoRoot, '.bench-tmp', 'import-graph-entry.ts'),
    [
      "export { openDb, importGraphStats } from '../src/db/index.js';",
      "export { findRepo } from '../src/git/index.js';",
      "export { updateImportGraph } from '../src/app/index.js';",
      "export { readWorkspaces } from '../src/code/index.js';",
      '',
    ].join('\n'),
  );
  await build({
    entryPoints: [join(repoRoot, '.bench-tmp', 'import-graph-entry.ts')],
    outfile: bundle,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'error',
    external: ['better-sqlite3', 'sqlite-vec', 'ts-morph', 'typescript', 'yaml', 'chokidar'],
  });

  writeFileSync(
    cpuHook,
    "import { writeFileSync } from 'node:fs';\nprocess.on('exit', () => { const u = process.cpuUsage(); writeFileSync(process.env.BENCH_CPU_OUT, String((u.user + u.system) / 1000)); });\n",
  );
  const source = process.env.LORE_BENCH_REPO;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const work = join(tmp, 'repo');
  const label = source ? resolve(source) : 'generated repository';
  if (source) copyTracked(resolve(source), work);
  else generateRepo(work);
  git(work, ['init', '-q', '-b', 'main']);
  git(work, ['add', '-A']);
  git(work, ['-c', 'user.name=bench', '-c', 'user.email=bench@example.com', '-c', 'commit.gpgsign=false', 'commit', '-q', '--no-verify', '-m', 'bench snapshot']);
  const tracked = git(work, ['ls-files', '-z']).split('\0').filter(Boolean);
  const code = tracked.filter((p) => CODE.test(p) && !p.includes('node_modules/'));
  const { readWorkspaces } = await import(bundle);
  const workspaces = readWorkspaces(work, tracked);
  linkWorkspaces(work, workspaces);
  const depcruiseConfig = writeDepcruiseConfig(work);

  console.log(`import graph: ${label}`);
  console.log(`  ${code.length} TS/JS files, ${workspaces.size} workspace package(s)`);

  const loreRuns = [];
  const cruiseRuns = [];
  const loreCpu = [];
  const cruiseCpu = [];
  let lore;
  let cruise;
  for (let i = 0; i < 3; i++) {
    const db = join(tmp, `cold-${i}.db`);
    const t0 = performance.now();
    lore = runChild(['cold', work, db]);
    loreRuns.push(performance.now() - t0);
    loreCpu.push(cpuOf());
    const out = join(tmp, 'depcruise.json');
    const t1 = performance.now();
    const r = spawnSync(process.execPath, ['--import', cpuHook, join(repoRoot, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs'), '-c', depcruiseConfig, '-T', 'json', '-f', out, '--progress', 'none', ...code], {
      cwd: work,
      encoding: 'utf8',
      maxBuffer: 1 << 28,
      env: { ...process.env, BENCH_CPU_OUT: cpuOut },
    });
    cruiseRuns.push(performance.now() - t1);
    cruiseCpu.push(cpuOf());
    if (r.status !== 0 && !existsSync(out)) throw new Error(`dependency-cruiser failed: ${r.stderr.slice(0, 2000)}`);
    cruise = JSON.parse(readFileSync(out, 'utf8'));
  }
  const loreCold = median(loreRuns);
  const cruiseCold = median(cruiseRuns);
  const loreCpuMs = median(loreCpu);
  const cruiseCpuMs = median(cruiseCpu);

  // Warm: edit one file that imports something, then bring the graph up to date.
  const edited = lore.sample;
  const warm = runChild(['warm', work, join(tmp, 'cold-2.db'), edited]);
  appendFileSync(join(work, edited), `\n// edited again by the benchmark\n`);
  const t2 = performance.now();
  const fresh = runChild(['update', work, join(tmp, 'cold-2.db')]);
  const freshWall = performance.now() - t2;

  console.log(`  load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} cores`);
  console.log(`  cold   wall: lore ${s(loreCold)}, dependency-cruiser ${s(cruiseCold)}, ratio ${(loreCold / cruiseCold).toFixed(2)}× (target ≤ 0.60×)`);
  console.log(`         cpu:  lore ${s(loreCpuMs)}, dependency-cruiser ${s(cruiseCpuMs)}, ratio ${(loreCpuMs / cruiseCpuMs).toFixed(2)}×`);
  console.log(`         runs (wall): lore ${loreRuns.map(s).join(', ')}; dependency-cruiser ${cruiseRuns.map(s).join(', ')}`);
  console.log(`  warm   one file edited (${edited}), same process: ${warm.ms} ms wall, ${warm.cpu} ms cpu (target ≤ 150 ms), parsed ${warm.parsed}`);
  console.log(`         fresh process (Node start, TypeScript load, update): ${Math.round(freshWall)} ms wall, ${fresh.ms} ms in the stage`);
  compareEdges(lore.edges, cruise, new Set(code));
}

function s(ms) {
  return `${(ms / 1000).toFixed(2)} s`;
}

function median(xs) {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function cpuOf() {
  return Number(readFileSync(cpuOut, 'utf8'));
}

function runChild(args) {
  const r = spawnSync(process.execPath, ['--import', cpuHook, fileURLToPath(import.meta.url), '--child', ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    env: { ...process.env, BENCH_CPU_OUT: cpuOut },
  });
  if (r.status !== 0) throw new Error(`child ${args[0]} failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

async function child([mode, work, dbPath, file]) {
  const { openDb, findRepo, updateImportGraph } = await import(bundle);
  const db = openDb(dbPath);
  const repo = await findRepo(work);
  if (mode === 'cold') {
    const r = await updateImportGraph(db, repo);
    const rows = db.prepare("SELECT source_path AS s, target_path AS t, label, metadata FROM relationships WHERE project_path = ? AND type = 'code_code'").all(repo.root);
    // A file with imports in the middle of the list, for the warm run.
    const importers = [...new Set(rows.map((e) => e.s))].sort();
    const sample = importers[Math.floor(importers.length / 2)];
    process.stdout.write(JSON.stringify({ ms: r.ms, files: r.files, edges: rows, sample }));
  } else if (mode === 'warm') {
    await updateImportGraph(db, repo); // nothing changed: proves the no-op path, loads nothing new
    // A watcher's first save loads the compiler (the fresh-process figure); the later ones are timed here.
    appendFileSync(join(work, file), `\n// first edit by the benchmark, not timed\n`);
    await updateImportGraph(db, repo);
    appendFileSync(join(work, file), `\n// edited by the benchmark\n`);
    const before = process.cpuUsage();
    const r = await updateImportGraph(db, repo);
    const used = process.cpuUsage(before);
    process.stdout.write(JSON.stringify({ ms: r.ms, cpu: Math.round((used.user + used.system) / 1000), parsed: r.parsed.length }));
  } else {
    const r = await updateImportGraph(db, repo);
    process.stdout.write(JSON.stringify({ ms: r.ms, parsed: r.parsed.length }));
  }
  db.close();
}

function compareEdges(loreRows, cruise, codeSet) {
  const lore = new Map();
  const toOther = loreRows.filter((e) => !codeSet.has(e.t)).length;
  for (const e of loreRows) {
    if (!codeSet.has(e.t)) continue;
    const key = `${e.s} -> ${e.t}`;
    const m = JSON.parse(e.metadata);
    const prev = lore.get(key);
    lore.set(key, { labels: [...(prev?.labels ?? []), m.statement ? `${e.label}/${m.statement}` : e.label].sort(), specifiers: m.specifiers });
  }
  const dc = new Map();
  for (const mod of cruise.modules) {
    if (!codeSet.has(mod.source)) continue;
    for (const d of mod.dependencies) {
      if (d.coreModule || d.couldNotResolve || !codeSet.has(d.resolved)) continue;
      dc.set(`${mod.source} -> ${d.resolved}`, { types: d.dependencyTypes, specifier: d.module });
    }
  }
  const both = [...lore.keys()].filter((k) => dc.has(k));
  const onlyLore = [...lore.keys()].filter((k) => !dc.has(k));
  const onlyDc = [...dc.keys()].filter((k) => !lore.has(k));
  const union = lore.size + onlyDc.length;
  console.log(`  edges  (importer, imported) pairs of TS/JS files: lore ${lore.size}, dependency-cruiser ${dc.size}, both ${both.length} (${((both.length / Math.max(1, union)) * 100).toFixed(1)}% of ${union})`);
  if (toOther > 0) console.log(`         lore also has ${toOther} edge(s) to other tracked files (JSON modules), left out here`);
  const group = (keys, why) => {
    const groups = new Map();
    for (const k of keys) {
      const g = why(k);
      if (!groups.has(g)) groups.set(g, []);
      groups.get(g).push(k);
    }
    return [...groups].sort((a, b) => b[1].length - a[1].length);
  };
  const show = (title, keys, why, spec) => {
    if (keys.length === 0) return;
    console.log(`  only ${title}: ${keys.length}`);
    for (const [g, ks] of group(keys, why).slice(0, 8)) {
      console.log(`    ${String(ks.length).padStart(5)}  ${g}`);
      for (const k of ks.slice(0, 2)) console.log(`           e.g. ${k}  ('${spec(k)}')`);
    }
  };
  show('lore', onlyLore, (k) => `${lore.get(k).labels.join('+')}, ${kindOf(lore.get(k).specifiers[0])} specifier`, (k) => lore.get(k).specifiers[0]);
  show('dependency-cruiser', onlyDc, (k) => `${dc.get(k).types.join('+')}, ${kindOf(dc.get(k).specifier)} specifier${sameSourceOther(k, lore)}`, (k) => dc.get(k).specifier);
}

function kindOf(spec = '') {
  if (spec.startsWith('.')) return 'relative';
  if (spec.startsWith('#')) return 'package-imports';
  return 'bare';
}

/** When lore resolved the same importer+specifier elsewhere (e.g. x.d.ts vs x.js). */
function sameSourceOther(key, lore) {
  const [src, dst] = key.split(' -> ');
  const alt = [...lore.keys()].find((k) => k.startsWith(`${src} -> `) && stem(k.split(' -> ')[1]) === stem(dst));
  return alt ? `; lore: ${alt.split(' -> ')[1]}` : '';
}

function stem(p) {
  return p.replace(/(\.d)?\.[cm]?[jt]sx?$/, '');
}

function git(cwd, args) {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

function copyTracked(from, to) {
  const files = git(from, ['ls-files', '-z']).split('\0').filter(Boolean);
  for (const f of files) {
    const src = join(from, f);
    if (!existsSync(src)) continue;
    mkdirSync(dirname(join(to, f)), { recursive: true });
    try {
      cpSync(src, join(to, f), { verbatimSymlinks: true });
    } catch {
      // sockets, submodules: not files the graph reads
    }
  }
}

function linkWorkspaces(work, workspaces) {
  for (const [name, dir] of workspaces) {
    if (dir === '') continue;
    const link = join(work, 'node_modules', name);
    if (existsSync(link)) continue;
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(join(work, dir), link, 'dir');
  }
}

/** dependency-cruiser as a user would set it up: the root tsconfig, exports and its conditions. */
function writeDepcruiseConfig(work) {
  let tsconfig = ['tsconfig.json', 'tsconfig.base.json'].find((f) => existsSync(join(work, f)));
  const read = (f) => {
    try {
      return JSON.parse(readFileSync(join(work, f), 'utf8').replace(/^\s*\/\/.*$/gm, '').replace(/,(\s*[}\]])/g, '$1'));
    } catch {
      return {};
    }
  };
  const root = tsconfig ? read(tsconfig) : {};
  // A solution-style tsconfig has no options: use its first reference, as editors do.
  if (Array.isArray(root.files) && root.files.length === 0 && root.references?.[0]) {
    const ref = root.references[0].path.replace(/^\.\//, '');
    tsconfig = ref.endsWith('.json') ? ref : `${ref}/tsconfig.json`;
  }
  const custom = tsconfig ? (read(tsconfig).compilerOptions?.customConditions ?? []) : [];
  const config = {
    options: {
      doNotFollow: { path: 'node_modules' },
      exclude: { path: '(^|/)node_modules/' },
      tsPreCompilationDeps: true,
      ...(tsconfig ? { tsConfig: { fileName: tsconfig } } : {}),
      enhancedResolveOptions: {
        exportsFields: ['exports'],
        conditionNames: [...custom, 'import', 'require', 'node', 'default', 'types'],
        extensions: ['.ts', '.tsx', '.d.ts', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs', '.json'],
        mainFields: ['module', 'main', 'types', 'typings'],
      },
    },
  };
  const file = join(tmp, 'depcruise.config.cjs');
  writeFileSync(file, `module.exports = ${JSON.stringify(config, null, 2)};\n`);
  return file;
}

/**
 * ~1,000 TS files shaped like a monorepo: 8 workspace packages (exports maps, index re-exports,
 * `.js` specifiers, type-only and dynamic imports, subfolder index files) and an app that uses
 * them through the packages' names and a tsconfig `paths` alias. Deterministic.
 */
function generateRepo(dir) {
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const pick = (n) => Math.floor(rand() * n);
  const files = {};
  files['package.json'] = JSON.stringify({ name: 'bench-root', private: true, workspaces: ['packages/*', 'apps/*'] }, null, 2);
  files['tsconfig.json'] = JSON.stringify({ compilerOptions: { module: 'esnext', moduleResolution: 'bundler', strict: true, paths: { '@web/*': ['./apps/web/src/*'] } } }, null, 2);
  const PACKAGES = 8;
  const MODULES = 100;
  for (let p = 0; p < PACKAGES; p++) {
    const base = `packages/p${p}`;
    files[`${base}/package.json`] = JSON.stringify({ name: `@bench/p${p}`, type: 'module', exports: { '.': './src/index.ts', './*': './src/*.ts' } }, null, 2);
    const index = [];
    for (let m = 0; m < MODULES; m++) {
      const folder = m % 10 === 0 ? `util${m / 10}/` : '';
      const name = folder ? `${folder}index` : `m${m}`;
      const lines = [];
      const deps = new Set();
      const n = m === 0 ? 0 : 2 + pick(4);
      for (let k = 0; k < n; k++) deps.add(pick(m));
      for (const d of deps) {
        const target = d % 10 === 0 ? `util${d / 10}` : `m${d}`;
        const rel = folder ? `../${target}` : `./${target}`;
        const spec = d % 10 === 0 ? rel : `${rel}.js`;
        const r = rand();
        if (r < 0.15) lines.push(`import type { T${d} } from '${spec}';`);
        else if (r < 0.2) lines.push(`export const lazy${d} = () => import('${spec}');`);
        else lines.push(`import { v${d} } from '${spec}';`);
      }
      if (p > 0 && rand() < 0.3) {
        const q = pick(p);
        lines.push(rand() < 0.5 ? `import { v1 as x${q} } from '@bench/p${q}';` : `import { v${1 + pick(9)} as y${q} } from '@bench/p${q}/m${1 + pick(9)}';`);
      }
      lines.push(`import { readFileSync } from 'node:fs';`, `export type T${m} = { id: number; read: typeof readFileSync };`, `export const v${m} = ${m};`);
      files[`${base}/src/${name}.ts`] = lines.join('\n') + '\n';
      if (!folder) index.push(`export * from './${name}.js';`);
    }
    files[`${base}/src/index.ts`] = index.join('\n') + '\n';
  }
  for (let a = 0; a < 200; a++) {
    const lines = [];
    for (let k = 0; k < 3; k++) {
      const p = pick(PACKAGES);
      lines.push(`import { v${1 + pick(9)} as a${k} } from '@bench/p${p}';`);
    }
    if (a > 0) {
      const t = pick(a);
      lines.push(`import { page${t} } from '@web/pages/page${t}';`);
    }
    if (a > 0) lines.push(`import type { Props } from '../components/props';`);
    lines.push(`export const page${a} = ${a};`);
    files[`apps/web/src/pages/page${a}.tsx`] = lines.join('\n') + '\n';
  }
  files['apps/web/package.json'] = JSON.stringify({ name: '@bench/web', private: true }, null, 2);
  files['apps/web/src/components/props.ts'] = 'export interface Props { id: string }\n';
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}
