// Bundles the CLI (yargs inlined for fast start-up) and the hook worker (no yargs, no ts-morph).
// Native and heavy packages stay external and are loaded lazily where they are needed.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { chmodSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { writeManPages } from './man.mjs';

// `node scripts/build.mjs [OUTDIR]` (default dist). Chunk names carry a content hash, so a build
// over the old output would leave every stale chunk behind: build into a fresh sibling directory
// and swap it in, so a hook worker started mid-build still finds a whole dist.
const outdir = resolve(process.argv[2] ?? 'dist');
const staging = join(dirname(outdir), `.${basename(outdir)}-build-${process.pid}`);

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const external = ['better-sqlite3', 'sqlite-vec', 'ts-morph', 'typescript', 'chokidar', 'fsevents', 'yaml'];

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external,
  sourcemap: true,
  logLevel: 'warning',
  define: { __LORE_VERSION__: JSON.stringify(pkg.version) },
  // Bundled CommonJS dependencies (yargs' helpers) may call require(); give ESM output one.
  banner: { js: "import { createRequire as __loreCreateRequire } from 'node:module'; const require = __loreCreateRequire(import.meta.url);" },
};

/**
 * An esbuild plugin that replaces `from` with `to` in the files matching `filter`, and fails the
 * build when `from` is gone (the dependency changed under us: the patch needs a look).
 */
function patchPlugin(name, filter, from, to) {
  return {
    name,
    setup(b) {
      b.onLoad({ filter }, async (args) => {
        const source = readFileSync(args.path, 'utf8');
        const patched = source.replace(from, to);
        if (patched === source) throw new Error(`${name}: ${args.path} changed; update scripts/build.mjs`);
        return { contents: patched, loader: 'js' };
      });
    },
  };
}

// Bundled, yargs cannot see that it lives in node_modules and would look for a package.json
// upward from the user's cwd on every start (a readdir of each parent, slow in a crowded /tmp, and
// it could pick up the user's own package.json). Point it at our bundle instead.
const yargsMainFilename = patchPlugin(
  'yargs-main-filename',
  /yargs[\\/]lib[\\/]platform-shims[\\/]esm\.mjs$/,
  'mainFilename: mainFilename || process.cwd()',
  'mainFilename: mainFilename || __dirname',
);

// yargs renders the whole help text of a command every time that command runs (usage.js
// cacheHelpMessage), in case the handler later calls showHelp(): CPU on every lore command,
// spent while the command's first git call is in flight. lore never calls showHelp() or
// getHelp() (--help is answered before a handler runs, failures throw), so the cache stays empty.
const yargsNoHelpCache = patchPlugin('yargs-no-help-cache', /yargs[\\/]build[\\/]lib[\\/]usage\.js$/, 'cachedHelpMessage = this.help();', 'cachedHelpMessage = undefined;');

// `lore why` and `lore index` run from one CommonJS file (dist/fast.cjs) that
// src/cli/require-cached.ts loads with a V8 code cache: one file to read and compile instead of
// many ESM chunks to resolve and link, and CommonJS because an ESM bundle without chunks would
// hoist the imports of everything it could load lazily (ts-morph for the import graph) to its
// top. Its caches are named after its content.

// better-sqlite3's JavaScript goes into dist/fast.cjs too (src/db/sqlite-bundled.ts says why and
// when it is used): this plugin gives that module the bundled copy and the version it came from.
// Its addon stays outside, and so does `bindings`, which the bundled copy never calls (it is always
// handed the addon's path).
const sqliteVersion = JSON.parse(readFileSync(new URL('../node_modules/better-sqlite3/package.json', import.meta.url), 'utf8')).version;
const bundledSqlite = {
  name: 'bundled-better-sqlite3',
  setup(b) {
    b.onLoad({ filter: /src[\\/]db[\\/]sqlite-bundled\.ts$/ }, () => ({
      contents: `export const bundledSqlite = { version: ${JSON.stringify(sqliteVersion)}, load: () => require('better-sqlite3') };`,
      loader: 'js',
    }));
  },
};

const fastBundle = {
  ...common,
  external: [...external.filter((e) => e !== 'better-sqlite3'), 'bindings'],
  plugins: [bundledSqlite],
  format: 'cjs',
  outExtension: { '.js': '.cjs' },
  entryPoints: { fast: 'src/cli/fast-main.ts' },
  // Read and compiled on every run: without whitespace and comments it is a fifth smaller, and
  // ASCII-only V8 keeps it as a one-byte string, half the memory of a two-byte one (esbuild
  // escapes strings; regular expressions spell such characters \uXXXX, which
  // test/cli/start-up.test.ts checks). A bug's stack is told in src/ through fast.cjs.map
  // (src/cli/source-stack.ts).
  minifyWhitespace: true,
  charset: 'ascii',
  define: { ...common.define, 'import.meta.url': '__loreImportMetaUrl' },
  banner: { js: "const __loreImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
};

try {
  const { metafile } = await build({ ...fastBundle, outdir: staging, metafile: true });
  // require-cached.ts runs the bundle as a script, where import() needs an experimental vm option.
  const dynamic = Object.values(metafile.outputs).flatMap((o) => o.imports).filter((i) => i.kind === 'dynamic-import');
  if (dynamic.length > 0) throw new Error(`dist/fast.cjs must not import() (${dynamic.map((i) => i.path).join(', ')}): load it with createRequire, as src/yaml.ts does`);
  const fastHash = createHash('sha256').update(readFileSync(join(staging, 'fast.cjs'))).digest('hex').slice(0, 16);
  await build({
    ...common,
    define: { ...common.define, __LORE_FAST_HASH__: JSON.stringify(fastHash) },
    plugins: [yargsMainFilename, yargsNoHelpCache],
    entryPoints: { main: 'src/cli/main.ts', exit: 'src/cli/exit.ts', 'hook-worker': 'src/workers/hook-worker.ts', 'backfill-worker': 'src/workers/backfill-worker.ts', 'graph-worker': 'src/workers/graph-worker.ts', 'ingest-worker': 'src/workers/ingest-worker.ts' },
    outdir: staging,
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
  });
  // The executable, CommonJS: Node starts a CommonJS file a few milliseconds sooner than an ES
  // module (no module loader to set up), and every `lore` command pays that (docs/start-up.md).
  // It loads dist/fast.cjs, or the ES modules above by URL.
  await build({
    ...common,
    format: 'cjs',
    outExtension: { '.js': '.cjs' },
    entryPoints: { cli: 'src/cli/bin.ts' },
    outdir: staging,
    define: { ...common.define, __LORE_FAST_HASH__: JSON.stringify(fastHash), 'import.meta.url': '__loreImportMetaUrl' },
    banner: { js: "const __loreImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  });
  chmodSync(join(staging, 'cli.cjs'), 0o755);
  // dist/cli.js, the entry of earlier builds, still runs lore: `lore watch --install-service`
  // wrote its path into service files.
  writeFileSync(join(staging, 'cli.js'), "#!/usr/bin/env node\nimport './cli.cjs';\n", { mode: 0o755 });
  writeManPages(staging, pkg.version);
} catch (err) {
  rmSync(staging, { recursive: true, force: true });
  throw err;
}
const old = `${staging}-old`;
try {
  renameSync(outdir, old);
} catch (err) {
  if (err.code !== 'ENOENT') throw err;
}
renameSync(staging, outdir);
rmSync(old, { recursive: true, force: true });
