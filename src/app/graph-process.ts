import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { openDb, type Db } from '../db/index.js';
import type { RepoInfo } from '../git/index.js';
import { updateImportGraph, type ImportGraphResult } from './import-graph.js';
import { siblingWorker } from './start-worker.js';
import { childProcess } from '../builtins.js';

/** What one import-graph update did (the graph worker's answer). */
export interface GraphUpdate {
  /** TS/JS files in the graph. */
  files: number;
  /** Files parsed again (new or changed content). */
  parsed: number;
  removed: number;
  edges: number;
  ms: number;
}

/** The graph worker's answer for one update (what crosses the IPC channel: counts, not file lists). */
function toGraphUpdate(r: ImportGraphResult): GraphUpdate {
  return { files: r.files, parsed: r.parsed.length, removed: r.removed.length, edges: r.edges, ms: r.ms };
}

/** The child's side: import-graph updates on the database at `dbPath`, opened on the first one; `detail` answers the whole result, writes left to the parent. */
export function graphUpdater(dbPath: string): { update(repo: RepoInfo, detail?: boolean): Promise<GraphUpdate | ImportGraphResult>; close(): void } {
  let db: Db | undefined;
  return {
    update: async (repo, detail = false) => {
      const r = await updateImportGraph((db ??= openDb(dbPath)), repo, undefined, { deferWrites: detail });
      return detail ? r : toGraphUpdate(r);
    },
    close: () => db?.close(),
  };
}


/**
 * Starts a whole import-graph update (a first build: the TypeScript compiler, every file) in a
 * child process, so it runs on the other core while this process stores a backfill's commits
 * (git and SQLite) instead of after them. The child only reads the database: its result carries
 * the writes, which the caller stores with applyGraphWrites once its own writes are done.
 * Undefined without a build (tests run from src/): the caller updates the graph itself.
 */
export function startImportGraph(db: Db, repo: RepoInfo, options: { worker?: string; dbPath?: string } = {}): Promise<ImportGraphResult> | undefined {
  const script = options.worker ?? siblingWorker('graph-worker.js');
  if (!existsSync(script)) return undefined;
  const c = childProcess().fork(script, [resolvePath(options.dbPath ?? db.name), '600000'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let stderr = '';
  c.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d).slice(-2000)));
  const done = new Promise<ImportGraphResult>((resolve, reject) => {
    c.on('message', (m: { id: number; result?: ImportGraphResult; error?: string }) => {
      if (m.result) resolve(m.result);
      else reject(new Error(`import graph of ${repo.root}: ${m.error ?? 'no result'}`));
      if (c.connected) c.disconnect();
    });
    c.on('error', reject);
    c.on('exit', (code, signal) => {
      const last = stderr.trim().split('\n').pop();
      reject(new Error(`import graph of ${repo.root}: graph worker ${signal ? `killed by ${signal}` : `exited with code ${code}`}${last ? `: ${last}` : ''}`));
    });
  });
  // A failure is the caller's when it awaits; until then it is no unhandled rejection.
  done.catch(() => undefined);
  c.send({ id: 1, repo, detail: true });
  return done;
}

export interface GraphWorker {
  /** Updates one repository's import graph in the worker process; one request at a time. */
  update(repo: RepoInfo): Promise<GraphUpdate>;
  /** Lets the worker go (it finishes the update it may be running, then exits). */
  close(): void;
}

export interface GraphWorkerOptions {
  /** The worker exits after this long without a request (default 30 s). */
  idleMs?: number;
  /** A request that takes longer kills the worker (default 10 min). */
  timeoutMs?: number;
  /** The worker script (default dist/graph-worker.js beside the hook worker). */
  worker?: string;
}

/**
 * Import-graph updates in a child process (dist/graph-worker.js), started on the first request and
 * kept for `idleMs` after the last: the long-running watcher never holds the TypeScript compiler's
 * memory (docs/performance.md), and a run of saves pays its load once. The child has its own process group, so
 * a Ctrl-C meant for the watcher lets the update finish (the watcher stops after its batch); it
 * exits when the watcher disconnects or dies. Without a build (tests run from src/), updates run in
 * this process instead.
 */
export function graphWorker(db: Db, dbPath: string, options: GraphWorkerOptions = {}): GraphWorker {
  const script = options.worker ?? siblingWorker('graph-worker.js');
  let child: ChildProcess | undefined;
  let next = 0;
  const waiting = new Map<number, { resolve: (u: GraphUpdate) => void; reject: (e: Error) => void }>();
  const failAll = (err: Error) => {
    for (const w of waiting.values()) w.reject(err);
    waiting.clear();
  };
  const start = (): ChildProcess => {
    const c = childProcess().fork(script, [resolvePath(dbPath), String(options.idleMs ?? 30_000)], { detached: true, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let stderr = '';
    c.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d).slice(-2000)));
    c.on('message', (m: { id: number; result?: GraphUpdate; error?: string }) => {
      const w = waiting.get(m.id);
      if (!w) return;
      waiting.delete(m.id);
      if (m.result) w.resolve(m.result);
      else w.reject(new Error(m.error ?? 'graph worker: no result'));
    });
    c.on('error', (err) => failAll(err));
    c.on('exit', (code, signal) => {
      if (child === c) child = undefined;
      const last = stderr.trim().split('\n').pop();
      failAll(new Error(`graph worker ${signal ? `killed by ${signal}` : `exited with code ${code}`}${last ? `: ${last}` : ''}`));
    });
    // An idle worker does not keep the watcher alive, nor the watcher it.
    c.unref();
    (c.channel as { unref?: () => void } | undefined)?.unref?.();
    return c;
  };
  return {
    update: async (repo) => {
      if (!existsSync(script)) return toGraphUpdate(await updateImportGraph(db, repo));
      const c = (child ??= start());
      const id = ++next;
      return new Promise<GraphUpdate>((resolve, reject) => {
        const timer = setTimeout(() => c.kill('SIGKILL'), options.timeoutMs ?? 10 * 60_000);
        const done = <T>(f: (v: T) => void) => (v: T) => {
          clearTimeout(timer);
          f(v);
        };
        waiting.set(id, { resolve: done(resolve), reject: done(reject) });
        c.send({ id, repo });
      }).catch((err: Error) => {
        throw new Error(`import graph of ${repo.root}: ${err.message}`);
      });
    },
    close: () => {
      if (child?.connected) child.disconnect();
      child = undefined;
    },
  };
}
