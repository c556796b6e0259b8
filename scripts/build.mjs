// Bundles the CLI (yargs inlined for fast start-up) and the hook worker (no yargs, no ts-morph).
// Native and heavy packages stay external and are loaded lazily where they are needed.
import { build } from 'esbuild';
import { chmodSync, readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const external = ['better-sqlite3', 'sqlite-vec', 'ts-morph', 'typescript', 'chokidar', 'simple-git', 'fsevents'];

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

await build({
  ...common,
  entryPoints: { cli: 'src/cli/main.ts', 'hook-worker': 'src/pipeline/hook-worker.ts' },
  outdir: 'dist',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
});
chmodSync('dist/cli.js', 0o755);
