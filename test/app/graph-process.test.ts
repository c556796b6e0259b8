import { fork } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { graphWorker, type GraphWorker } from '../../src/app/index.js';
import { tempDb } from '../helpers/temp-db.js';

const repo = { root: '/nowhere/app', gitDir: '/nowhere/app/.git', commonDir: '/nowhere/app/.git' };
const workers: GraphWorker[] = [];
afterEach(() => {
  for (const w of workers.splice(0)) w.close();
});

/** graphWorker over a stand-in worker script: `body` runs for each request `m` ({ id, repo }). */
function fakeWorker(body: string, timeoutMs?: number): GraphWorker {
  const dir = mkdtempSync(join(tmpdir(), 'lore-gw-'));
  const script = join(dir, 'graph-worker.mjs');
  writeFileSync(script, `process.on('disconnect', () => process.exit(0));\nprocess.on('message', (m) => { ${body} });\n`);
  const w = graphWorker(tempDb().db, join(dir, 'lore.db'), { worker: script, ...(timeoutMs !== undefined ? { timeoutMs } : {}) });
  workers.push(w);
  return w;
}

describe('graphWorker (the watcher side of the import-graph worker)', () => {
  it('sends the repository and returns the answer; one process serves the next update too', async () => {
    const w = fakeWorker("process.send({ id: m.id, result: { files: process.pid, parsed: m.repo.root.length, removed: 0, edges: 0, ms: 1 } });");
    const first = await w.update(repo);
    expect(first.parsed).toBe(repo.root.length);
    expect((await w.update(repo)).files).toBe(first.files);
  });

  it("rejects with the worker's error, naming the repository", async () => {
    const w = fakeWorker("process.send({ id: m.id, error: 'tsconfig.json: bad JSON' });");
    await expect(w.update(repo)).rejects.toThrow('import graph of /nowhere/app: tsconfig.json: bad JSON');
  });

  it('rejects with the exit code and the last line of stderr when the worker dies', async () => {
    const w = fakeWorker("process.stderr.write('loading\\nout of memory\\n'); process.exit(3);");
    await expect(w.update(repo)).rejects.toThrow('import graph of /nowhere/app: graph worker exited with code 3: out of memory');
  });

  it('kills a worker that does not answer within timeoutMs', async () => {
    const w = fakeWorker('', 200);
    await expect(w.update(repo)).rejects.toThrow('import graph of /nowhere/app: graph worker killed by SIGKILL');
  });
});

describe('dist/graph-worker.js', () => {
  it('exits at once when its parent went away before it had loaded, not after its idle time', async () => {
    // A parent killed right after the fork (a crash, a test's SIGKILL) closes the channel while the
    // worker still loads its modules: the disconnect event has gone by the time it listens.
    const dir = mkdtempSync(join(tmpdir(), 'lore-gw-orphan-'));
    const child = fork(resolve('dist/graph-worker.js'), [join(dir, 'lore.db'), '600000'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    child.disconnect();
    const exited = await new Promise<number | null | 'alive'>((done) => {
      const timer = setTimeout(() => done('alive'), 15_000);
      child.on('exit', (code) => (clearTimeout(timer), done(code)));
    });
    if (exited === 'alive') child.kill('SIGKILL');
    expect(exited).toBe(0);
  }, 30_000);
});
