import { appendFileSync, existsSync, readdirSync, readFileSync, statSync, symlinkSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/index.js';
import { offerReadThread, type IngestOptions } from '../../src/ingest/index.js';
import { ReadWorker } from '../../src/ingest/off-thread.js';
import { startReadThread } from '../../src/read-thread.js';
import { adapters } from '../../src/sources/index.js';
import { CLAUDE_FIXTURES, claudeProjects, run, tmpDir } from '../helpers/ingest.js';
import { tempDb } from '../helpers/temp-db.js';

// A big ingest reads Claude Code transcripts in a worker thread (src/ingest/off-thread.ts), which
// sends records in chunks and the adapter's state only at a chunk's end. What it stores must be
// what the ingest stores reading in its own thread: every row with its rowid (an edit whose result
// comes in a later batch moves to the end, so batches must end at the same records), the cursors,
// the full-text index, the summary and the warnings.

const REPO = fileURLToPath(new URL('../../', import.meta.url));
let script: string;

beforeAll(async () => {
  // The worker is a bundle, as in dist/ (a worker thread cannot run the TypeScript sources).
  const out = tmpDir('lore-read-worker-');
  await build({
    entryPoints: { 'ingest-worker': join(REPO, 'src/workers/ingest-worker.ts') },
    outdir: out,
    bundle: true,
    format: 'esm',
    platform: 'node',
    external: ['better-sqlite3', 'sqlite-vec', 'ts-morph', 'typescript', 'chokidar', 'fsevents'],
    logLevel: 'error',
    // Its packages resolve from the repository, wherever the bundle is written.
    banner: { js: `import { createRequire as __cr } from 'node:module'; const require = __cr(${JSON.stringify(join(REPO, 'package.json'))});` },
  });
  // src/db loads better-sqlite3 relative to its own file (createRequire(import.meta.url)): without
  // the repository's packages beside the bundle the thread dies at its start, and every ingest
  // below would read in its own thread and prove nothing.
  symlinkSync(join(REPO, 'node_modules'), join(out, 'node_modules'), 'junction');
  script = join(out, 'ingest-worker.js');
}, 60_000);

function fixtureFiles(dir = CLAUDE_FIXTURES): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? fixtureFiles(join(dir, e.name)) : e.name.endsWith('.jsonl') ? [join(dir, e.name)] : []));
}

/** Everything an ingest leaves: rows with their rowids, cursors, full-text results. */
function dump(db: Db): Record<string, unknown> {
  const fts = (q: string) => db.prepare('SELECT rowid FROM messages_fts WHERE messages_fts MATCH ? ORDER BY rowid').all(q);
  return {
    sessions: db.prepare('SELECT rowid, id, project_path, title, created_at, last_message_at, source, metadata FROM sessions ORDER BY rowid').all(),
    messages: db.prepare('SELECT rowid, * FROM messages ORDER BY rowid').all(),
    edits: db.prepare('SELECT rowid, * FROM file_edits ORDER BY rowid').all(),
    cursors: db.prepare('SELECT path, source, size, mtime_ms, offset, head_hash, state, skipped FROM source_files ORDER BY path').all(),
    vectors: db.prepare('SELECT * FROM vector_meta ORDER BY 1').all(),
    fts: ['the', 'file', 'error', 'test', 'function', 'redacted', 'commit'].map(fts),
    ranked: db.prepare("SELECT rowid, bm25(messages_fts) AS r FROM messages_fts WHERE messages_fts MATCH 'error OR file' ORDER BY r, rowid LIMIT 50").all(),
  };
}

/** Ingests `root` twice into fresh databases, in this thread and in the worker thread; both must store the same. */
async function bothWays(root: string, options: IngestOptions = {}, steps: { before?: () => void; between?: () => void } = {}, shared = false) {
  const env = { ...process.env, CLAUDE_CONFIG_DIR: root };
  const ways = [];
  // The worker reads every file (the ingest would read some itself while the worker starts).
  for (const offThread of [false, { script, minBytes: 0, ...(shared ? {} : { readsHere: false as const }) }] as const) {
    steps.before?.();
    const { db } = tempDb();
    const runs = [await run(db, { sources: ['claude-code'], env, ...options, offThread })];
    if (steps.between) {
      steps.between();
      runs.push(await run(db, { sources: ['claude-code'], env, ...options, offThread }));
    }
    ways.push({ dump: dump(db), summaries: runs.map((r) => r.result.sources), warnings: runs.map((r) => r.warnings) });
    db.close();
  }
  return ways;
}

/**
 * Every real fixture ingested in this thread, then (after `between`) with a worker on `script`
 * that reads every file: both results and both databases' dumps.
 */
async function hereThenThrough(script: string, between?: () => Promise<void>) {
  const { root } = claudeProjects(fixtureFiles());
  const env = { ...process.env, CLAUDE_CONFIG_DIR: root };
  const here = tempDb().db;
  const expected = await run(here, { sources: ['claude-code'], env, offThread: false });
  await between?.();
  const there = tempDb().db;
  const got = await run(there, { sources: ['claude-code'], env, offThread: { script, minBytes: 0, readsHere: false } });
  return { expected, got, stored: dump(here), storedThere: dump(there) };
}

describe('reading in a worker thread', () => {
  it('uses a worker bundle that starts and serves reads (else every test here would prove nothing)', async () => {
    const worker = new ReadWorker(startReadThread(script));
    const read = worker.read(adapters.find((a) => a.id === 'claude-code')!, fixtureFiles()[0]!, undefined);
    const chunk = await read.next();
    expect(chunk.error).toBeUndefined();
    expect(chunk.records.length).toBeGreaterThan(0);
    expect(worker.isAlive).toBe(true);
    await worker.stop();
  });

  it('stores every real Claude Code fixture as the ingest does in its own thread', async () => {
    const { root } = claudeProjects(fixtureFiles());
    const [here, there] = await bothWays(root);
    expect((here!.dump.messages as unknown[]).length).toBeGreaterThan(100);
    expect(there).toEqual(here);
  });

  it('stores the same when the ingest reads the files it gets to before the worker', async () => {
    const { root } = claudeProjects(fixtureFiles());
    const [here, there] = await bothWays(root, { batchRecords: 50 }, {}, true);
    expect(there).toEqual(here);
  });

  it('reads every file in its own thread when the worker dies, and stores the same', async () => {
    const dead = join(tmpDir('lore-dead-worker-'), 'dead.mjs');
    writeFileSync(dead, 'process.exit(3);\n');
    const { expected, got, stored, storedThere } = await hereThenThrough(dead);
    expect(got.warnings).toEqual([]);
    expect(got.result.sources).toEqual(expected.result.sources);
    expect(storedThere).toEqual(stored);
  });

  it('starts no worker for less than 8 MB to read', async () => {
    const dir = tmpDir('lore-marking-worker-');
    const marker = join(dir, 'started');
    const marking = join(dir, 'marking.mjs');
    writeFileSync(marking, `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(marker)}, 'yes');\nprocess.exit(0);\n`);
    const { root } = claudeProjects(fixtureFiles());
    const env = { ...process.env, CLAUDE_CONFIG_DIR: root };
    await run(tempDb().db, { sources: ['claude-code'], env, offThread: { script: marking } });
    expect(existsSync(marker)).toBe(false);
    await run(tempDb().db, { sources: ['claude-code'], env, offThread: { script: marking, minBytes: 0 } });
    await new Promise((r) => setTimeout(r, 500));
    expect(existsSync(marker)).toBe(true);
  });

  it('stores the same with a batch flushed every few records', async () => {
    const { root } = claudeProjects(fixtureFiles());
    const [here, there] = await bothWays(root, { batchRecords: 5 });
    expect(there).toEqual(here);
  });

  it('skips and counts bad lines, invalid UTF-8 and a partial last line alike', async () => {
    const { root, files } = claudeProjects(fixtureFiles().slice(0, 4));
    const lines = readFileSync(files[0]!, 'utf8').split('\n');
    const mid = Math.floor(lines.length / 2);
    lines.splice(mid, 0, '{"type":"user", broken', '[1,2,3]', JSON.stringify({ type: 'hologram', sessionId: 'x' }));
    writeFileSync(files[0]!, lines.join('\n'));
    appendFileSync(files[1]!, Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d, 0x0a]));
    appendFileSync(files[1]!, '{"type":"user","sessionId":"partial"'); // no newline: still being written
    const [here, there] = await bothWays(root);
    expect(Object.keys(here!.summaries[0]![0]!.skipped)).toContain('invalid JSON');
    expect(there).toEqual(here);
  });

  it('resumes a file that grew from the cursor a chunk left, as from any other', async () => {
    const { root, files } = claudeProjects(fixtureFiles());
    const biggest = [...files].sort((a, b) => statSync(b).size - statSync(a).size)[0]!;
    const whole = readFileSync(biggest);
    const cut = whole.indexOf(10, Math.floor(whole.length / 2)) + 1;
    const [here, there] = await bothWays(root, { batchRecords: 50 }, {
      // The same mtimes both ways: the cursors keep them.
      before: () => (truncateSync(biggest, cut), utimesSync(biggest, 1_700_000_000, 1_700_000_000)),
      between: () => (appendFileSync(biggest, whole.subarray(cut)), utimesSync(biggest, 1_700_000_100, 1_700_000_100)),
    });
    expect(here!.summaries[1]![0]!.messages).toBeGreaterThan(0);
    expect(there).toEqual(here);
  });

  it('takes over a thread started before it was asked for, and starts no other', async () => {
    // A worker script that notes each thread started on it, then serves the reads as dist's does.
    const dir = tmpDir('lore-counting-worker-');
    const started = join(dir, 'started');
    const counting = join(dir, 'counting.mjs');
    writeFileSync(counting, `import { appendFileSync } from 'node:fs';\nappendFileSync(${JSON.stringify(started)}, 'thread\\n');\nawait import(${JSON.stringify(script)});\n`);
    const { expected, got, stored, storedThere } = await hereThenThrough(counting, async () => {
      const early = startReadThread(counting);
      // Once the thread has run its script, a second one started for the ingest would add a line.
      while (!existsSync(started)) await new Promise((resolve) => setTimeout(resolve, 10));
      // Offered just before the ingest: a spare waits only 2 s for it.
      offerReadThread(early);
    });
    expect(got.result.sources).toEqual(expected.result.sources);
    expect(storedThere).toEqual(stored);
    expect(readFileSync(started, 'utf8')).toBe('thread\n');
  });

  it('reads in its own thread when the thread started early died before the ingest', async () => {
    const dead = join(tmpDir('lore-dead-early-'), 'dead.mjs');
    writeFileSync(dead, 'process.exit(3);\n');
    const early = startReadThread(dead);
    await new Promise((resolve) => early.worker.once('exit', resolve));
    offerReadThread(early);
    const { got, stored, storedThere } = await hereThenThrough(dead);
    expect(got.warnings).toEqual([]);
    expect(storedThere).toEqual(stored);
  });
});
