// Bundles lore's core (db, ingest, embed, app, query) from src/ for in-process benchmarks.
// better-sqlite3 and sqlite-vec stay external; migrations/ is found from .bench-tmp/ upwards.
import { resolve } from 'node:path';
import { build } from 'esbuild';

export async function loadCore() {
  const outdir = resolve('.bench-tmp/core');
  await build({
    entryPoints: { db: 'src/db/index.ts', ingest: 'src/ingest/index.ts', embed: 'src/embed/index.ts', app: 'src/app/index.ts', query: 'src/query/index.ts' },
    outdir,
    format: 'esm',
    bundle: true,
    splitting: true,
    platform: 'node',
    external: ['better-sqlite3', 'sqlite-vec', 'ts-morph', 'typescript', 'chokidar'],
    logLevel: 'error',
    banner: { js: "import { createRequire as __loreCreateRequire } from 'node:module'; const require = __loreCreateRequire(import.meta.url);" },
  });
  const [db, ingest, embed, app, query] = await Promise.all(['db', 'ingest', 'embed', 'app', 'query'].map((m) => import(`${outdir}/${m}.js`)));
  return { ...db, ...ingest, ...embed, ...app, ...query };
}
