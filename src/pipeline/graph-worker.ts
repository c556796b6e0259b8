/**
 * Entry point `lore watch` runs, and waits for, when code may have changed:
 * `node dist/graph-worker.js <repo dir> <db file>`. It updates the repository's import graph
 * (re-parsing only files whose hash changed) in a process of its own, so the TypeScript compiler
 * (~70 MB of RSS once loaded) never stays in the long-running watcher. Writes one JSON line (the
 * summary, GraphUpdate) to stdout for the watcher; an error goes to stderr with exit code 1.
 */
import { openDb } from '../db/index.js';
import { findRepo } from '../git/index.js';
import { updateImportGraph } from './import-graph.js';
import type { GraphUpdate } from './run-graph-worker.js';

async function main(dir: string, dbPath: string): Promise<void> {
  const repo = await findRepo(dir);
  const db = openDb(dbPath);
  try {
    const r = await updateImportGraph(db, repo);
    const summary: GraphUpdate = { files: r.files, parsed: r.parsed.length, removed: r.removed.length, edges: r.edges, ms: r.ms };
    process.stdout.write(JSON.stringify(summary) + '\n');
  } finally {
    db.close();
  }
}

const [dir, dbPath] = process.argv.slice(2);
if (!dir || !dbPath) {
  process.stderr.write('usage: graph-worker.js <repo dir> <db file>\n');
  process.exitCode = 1;
} else {
  main(dir, dbPath).catch((err: unknown) => {
    process.stderr.write(`${(err as Error)?.message ?? String(err)}\n`);
    process.exitCode = 1;
  });
}
