import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve as resolvePath } from 'node:path';
import { isCodeFile, isResolutionConfig, PARSER_VERSION, scanFiles } from '../code/index.js';
import { loadCodeFiles, setGraphStamp, type Db } from '../db/index.js';
import { defaultHookPaths, trackedFiles, workTreeStamp, type RepoInfo } from '../git/index.js';

/** What one import-graph update did (the graph worker's output line). */
export interface GraphUpdate {
  /** TS/JS files in the graph. */
  files: number;
  /** Files parsed again (new or changed content). */
  parsed: number;
  removed: number;
  edges: number;
  ms: number;
}

/**
 * Updates a repository's import graph in a short-lived child process (dist/graph-worker.js) and
 * waits for it: the long-running watcher never loads the TypeScript compiler. The child runs in
 * its own process group, so a Ctrl-C meant for the watcher lets it finish its one transaction
 * (the watcher stops after the current batch). Without a build (tests run from src/), it runs in
 * this process instead.
 */
export async function runGraphWorker(db: Db, dbPath: string, repo: RepoInfo, options: { timeoutMs?: number; worker?: string } = {}): Promise<GraphUpdate> {
  const worker = options.worker ?? join(dirname(defaultHookPaths().worker), 'graph-worker.js');
  if (!existsSync(worker)) {
    const { updateImportGraph } = await import('./import-graph.js');
    const r = await updateImportGraph(db, repo);
    return { files: r.files, parsed: r.parsed.length, removed: r.removed.length, edges: r.edges, ms: r.ms };
  }
  return new Promise<GraphUpdate>((resolve, reject) => {
    const child = spawn(process.execPath, [worker, repo.root, resolvePath(dbPath)], { cwd: repo.root, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 10 * 60_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = out.trim().split('\n').pop();
      if (code === 0 && line) {
        try {
          resolve(JSON.parse(line) as GraphUpdate);
          return;
        } catch {
          // fall through: an unreadable line is a failure
        }
      }
      reject(new Error(`import graph of ${repo.root}: ${err.trim().split('\n').pop() || (signal ? `worker killed by ${signal}` : `worker exited with code ${code}`)}`));
    });
  });
}

/**
 * Whether the import graph must be updated: a tracked TS/JS or config file came, went, or has a
 * new size or mtime (the same test updateImportGraph makes, without loading TypeScript or starting
 * a process: one `git ls-files` and a stat per file). When nothing moved, the graph is recorded as
 * current for the work tree's stamp (`git status` rewriting the index changes nothing).
 */
export async function importGraphNeedsUpdate(db: Db, repo: RepoInfo): Promise<boolean> {
  const stamp = workTreeStamp(repo); // before reading: a change made meanwhile is looked at next time
  const candidates = (await trackedFiles(repo.root)).filter((p) => isCodeFile(p) || isResolutionConfig(p));
  const scan = scanFiles(repo.root, candidates, loadCodeFiles(db, repo.root), PARSER_VERSION);
  const needed = scan.changed.length + scan.touched.length + scan.removed.length > 0;
  if (!needed && stamp !== undefined) setGraphStamp(db, repo.root, stamp);
  return needed;
}
