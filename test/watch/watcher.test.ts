import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startWatcher, type WatchEvent, type WatchStages, type Watcher } from '../../src/watch/index.js';

/** Stages that record what the watcher asked for. */
function fakeStages() {
  const calls = { ingest: [] as (string[] | undefined)[], catchUp: [] as string[], graph: [] as string[], embed: 0 };
  const stages: WatchStages = {
    repoRoots: () => [],
    repoInfo: async () => undefined,
    ingest: async (paths) => {
      calls.ingest.push(paths);
      return 0;
    },
    catchUp: async (repo) => {
      calls.catchUp.push(repo.root);
      return 0;
    },
    embed: async () => {
      calls.embed++;
      return { added: 0, backlog: 0 };
    },
    graphFiles: () => [],
    updateGraph: async (repo) => {
      calls.graph.push(repo.root);
      return 1;
    },
  };
  return { calls, stages };
}

const until = async (check: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
};

/** OS watches this process holds (Linux: inotify watch descriptors), or undefined elsewhere. */
function inotifyWatches(): number | undefined {
  if (process.platform !== 'linux') return undefined;
  let n = 0;
  for (const fd of readdirSync('/proc/self/fdinfo')) {
    try {
      n += (readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8').match(/^inotify wd:/gm) ?? []).length;
    } catch {
      // closed meanwhile
    }
  }
  return n;
}

/**
 * The watch count once it has stopped changing: chokidar may still be adding a directory's
 * watch just after `ready`, so one read right then can come up short.
 */
async function settledWatches(): Promise<number | undefined> {
  let last = inotifyWatches();
  if (last === undefined) return undefined;
  for (let stable = 0, end = Date.now() + 3000; stable < 5 && Date.now() < end; ) {
    await new Promise((r) => setTimeout(r, 50));
    const now = inotifyWatches();
    stable = now === last ? stable + 1 : 0;
    last = now;
  }
  return last;
}

/** A work tree with the git state the watcher follows (HEAD, refs/heads), and stages that report it as one repository. */
function fakeRepo() {
  const root = mkdtempSync(join(tmpdir(), 'lore-repo-'));
  const gitDir = join(root, '.git');
  mkdirSync(join(gitDir, 'refs', 'heads'), { recursive: true });
  writeFileSync(join(gitDir, 'HEAD'), 'ref: refs/heads/main\n');
  const { calls, stages } = fakeStages();
  stages.repoRoots = () => [root];
  stages.repoInfo = async (r) => ({ root: r, gitDir, commonDir: gitDir });
  return { root, gitDir, calls, stages };
}

const ingested = (calls: { ingest: (string[] | undefined)[] }) => calls.ingest.flatMap((p) => p ?? []);

describe('watcher', () => {
  let watcher: Watcher | undefined;
  afterEach(async () => {
    await watcher?.stop();
    watcher = undefined;
  });

  async function start(rootPaths: string[], stages: WatchStages, events: WatchEvent[] = []) {
    watcher = await startWatcher({ roots: rootPaths.map((path) => ({ source: 'claude-code', path, depth: 3 })), stages, onEvent: (e) => events.push(e), debounceMs: 50, pollMs: 100 });
    await watcher.ready;
    return events;
  }

  /** A transcript root, holding s.jsonl with `content` if given, watched with recording stages. */
  async function watchRoot(content?: string) {
    const root = mkdtempSync(join(tmpdir(), 'lore-root-'));
    const file = join(root, 's.jsonl');
    if (content !== undefined) writeFileSync(file, content);
    const { calls, stages } = fakeStages();
    await start([root], stages);
    return { root, file, calls };
  }

  it('catches up everything at start, then ingests an appended transcript', async () => {
    const root = mkdtempSync(join(tmpdir(), 'lore-root-'));
    const file = join(root, 'proj', 's.jsonl');
    mkdirSync(join(root, 'proj'));
    writeFileSync(file, '{"a":1}\n');
    const { calls, stages } = fakeStages();
    await start([root], stages);
    expect(calls.ingest).toEqual([undefined]);
    appendFileSync(file, '{"a":2}\n');
    await until(() => ingested(calls).includes(file));
    expect(calls.embed).toBeGreaterThanOrEqual(2);
  });

  it('coalesces a burst of appends into few batches', async () => {
    const { file, calls } = await watchRoot('');
    for (let i = 0; i < 100; i++) appendFileSync(file, `{"i":${i}}\n`);
    await until(() => ingested(calls).includes(file));
    await new Promise((r) => setTimeout(r, 300));
    expect(calls.ingest.length - 1).toBeLessThanOrEqual(2);
  });

  it('ingests a partial line when it grows, and a rotated file under the same name', async () => {
    const { root, file, calls } = await watchRoot('{"a":1}\n{"b":');
    appendFileSync(file, '2}\n');
    await until(() => ingested(calls).filter((p) => p === file).length === 1);
    renameSync(file, join(root, 's.jsonl.1'));
    writeFileSync(file, '{"new":1}\n');
    await until(() => ingested(calls).filter((p) => p === file).length === 2);
  });

  it('never asks to ingest (or forget) a deleted transcript', async () => {
    const { root, file, calls } = await watchRoot('{}\n');
    const other = join(root, 't.jsonl');
    rmSync(file);
    writeFileSync(other, '{}\n'); // a later event proves the delete was seen and skipped
    await until(() => ingested(calls).includes(other));
    expect(ingested(calls)).not.toContain(file);
  });

  it('starts watching a transcript root that appears later, and reads what is already in it', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'lore-home-'));
    const root = join(parent, '.codex', 'sessions');
    const { calls, stages } = fakeStages();
    const events = await start([root], stages);
    expect(events.find((e) => e.type === 'ready')).toMatchObject({ roots: [], waiting: [root] });
    mkdirSync(join(root, '2026', '01'), { recursive: true });
    writeFileSync(join(root, '2026', '01', 'rollout-1.jsonl'), '{}\n');
    await until(() => events.some((e) => e.type === 'root-added'));
    await until(() => ingested(calls).includes(root));
    const later = join(root, '2026', '01', 'rollout-2.jsonl');
    writeFileSync(later, '{}\n');
    await until(() => ingested(calls).includes(later));
  });

  it('catches a repository up when its refs move or a learning doc appears, and ignores object writes', async () => {
    const { root, gitDir, calls, stages } = fakeRepo();
    mkdirSync(join(gitDir, 'objects', 'ab'), { recursive: true });
    await start([], stages);
    expect(calls.catchUp).toEqual([root]);
    writeFileSync(join(gitDir, 'objects', 'ab', 'cdef'), 'blob');
    await new Promise((r) => setTimeout(r, 300));
    expect(calls.catchUp).toEqual([root]);
    writeFileSync(join(gitDir, 'refs', 'heads', 'main'), 'a'.repeat(40) + '\n');
    await until(() => calls.catchUp.length === 2);
    mkdirSync(join(root, 'docs', 'solutions'), { recursive: true });
    writeFileSync(join(root, 'docs', 'solutions', 'wal.md'), '---\ntitle: WAL\n---\n');
    await until(() => calls.catchUp.length === 3);
    writeFileSync(join(root, 'docs', 'solutions', 'second.md'), '---\ntitle: two\n---\n');
    await until(() => calls.catchUp.length === 4);
  });

  it('follows a repository lore learns of while it runs: its refs and its existing learning docs', async () => {
    const { root, gitDir, calls, stages } = fakeRepo();
    mkdirSync(join(root, 'docs', 'solutions'), { recursive: true });
    let known: string[] = [];
    stages.repoRoots = () => known;
    const events = await start([], stages);
    expect(calls.catchUp).toEqual([]);
    known = [root];
    await until(() => events.some((e) => e.type === 'repo-added') && calls.catchUp.length === 1);
    expect(events.filter((e) => e.type === 'repo-added')).toEqual([{ type: 'repo-added', root }]);
    await new Promise((r) => setTimeout(r, 300)); // the new watches are armed
    writeFileSync(join(gitDir, 'refs', 'heads', 'main'), 'c'.repeat(40) + '\n');
    await until(() => calls.catchUp.length === 2);
    writeFileSync(join(root, 'docs', 'solutions', 'later.md'), '---\ntitle: later\n---\n');
    await until(() => calls.catchUp.length === 3);
    expect(calls.catchUp).toEqual([root, root, root]);
  });

  it('ignores files that are not transcripts', async () => {
    const { root, calls } = await watchRoot();
    writeFileSync(join(root, 'notes.txt'), 'x');
    writeFileSync(join(root, 'x.jsonl'), '{}\n');
    await until(() => ingested(calls).includes(join(root, 'x.jsonl')));
    expect(ingested(calls)).not.toContain(join(root, 'notes.txt'));
  });

  it('watches directories, not files: 300 transcripts in 3 directories hold a handful of OS watches, and each still reports its writes', async () => {
    const root = mkdtempSync(join(tmpdir(), 'lore-root-'));
    for (let d = 0; d < 3; d++) {
      mkdirSync(join(root, `p${d}`));
      for (let f = 0; f < 100; f++) writeFileSync(join(root, `p${d}`, `s${f}.jsonl`), '{}\n');
    }
    const before = inotifyWatches();
    const { calls, stages } = fakeStages();
    await start([root], stages);
    const after = await settledWatches();
    if (before !== undefined && after !== undefined) expect(after - before).toBeLessThanOrEqual(4); // the root and its 3 directories
    for (const f of [join(root, 'p0', 's0.jsonl'), join(root, 'p2', 's99.jsonl')]) {
      appendFileSync(f, '{"more":1}\n');
      await until(() => ingested(calls).includes(f));
    }
  });

  it('reads a directory that appears under a root, including a file written into it at once', async () => {
    const { root, calls } = await watchRoot();
    const dir = join(root, 'new-project', 'sub');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 's.jsonl');
    writeFileSync(file, '{}\n');
    await until(() => ingested(calls).some((p) => p === file || file.startsWith(p + '/')));
    await new Promise((r) => setTimeout(r, 200));
    const seen = calls.ingest.length;
    appendFileSync(file, '{"b":1}\n'); // its later writes come from the new directory's own watch
    await until(() => calls.ingest.slice(seen).some((p) => p?.includes(file)));
  });

  it("updates a repository's import graph when its tracked code changes, watching only the graph's directories", async () => {
    const { root, gitDir, calls, stages } = fakeRepo();
    mkdirSync(join(root, 'src'));
    writeFileSync(join(root, 'src', 'a.ts'), 'export const a = 1;\n');
    writeFileSync(join(root, 'package.json'), '{}\n');
    for (let i = 0; i < 20; i++) mkdirSync(join(root, 'node_modules', `p${i}`), { recursive: true });
    writeFileSync(join(root, 'node_modules', 'p0', 'index.js'), '');
    mkdirSync(join(root, 'lib'));
    const graph = ['src/a.ts', 'package.json'];
    stages.graphFiles = () => graph;
    const before = inotifyWatches();
    await start([], stages);
    expect(calls.graph).toEqual([root]); // the first batch catches the graph up
    const after = await settledWatches();
    // The work tree's root and src/ (and .git, refs, refs/heads), not node_modules/*.
    if (before !== undefined && after !== undefined) expect(after - before).toBe(5);
    writeFileSync(join(root, 'src', 'a.ts'), "import './b.js';\n");
    await until(() => calls.graph.length === 2);
    writeFileSync(join(root, 'node_modules', 'p0', 'index.js'), 'x');
    writeFileSync(join(root, 'src', 'notes.txt'), 'x');
    writeFileSync(join(root, 'lib', 'b.ts'), 'export {};\n'); // not in the graph (untracked) yet
    await new Promise((r) => setTimeout(r, 400));
    expect(calls.graph).toHaveLength(2);
    // A commit adds lib/b.ts: the graph is updated and its new directory watched.
    graph.push('lib/b.ts');
    writeFileSync(join(gitDir, 'refs', 'heads', 'main'), 'b'.repeat(40) + '\n');
    await until(() => calls.graph.length === 3);
    await new Promise((r) => setTimeout(r, 200));
    writeFileSync(join(root, 'lib', 'b.ts'), 'export const b = 2;\n');
    await until(() => calls.graph.length === 4);
  });

  it('keeps computing vectors while a backlog waits, without a new file event', async () => {
    const root = mkdtempSync(join(tmpdir(), 'lore-root-'));
    const { calls, stages } = fakeStages();
    let backlog = 3;
    stages.embed = async () => {
      calls.embed++;
      if (backlog === 0) return { added: 0, backlog: 0 };
      backlog--;
      return { added: 1, backlog };
    };
    await start([root], stages);
    await until(() => backlog === 0);
    await new Promise((r) => setTimeout(r, 300));
    expect(calls.embed).toBe(3); // the first batch and two more rounds, then idle
  });
});
