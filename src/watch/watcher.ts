import { existsSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { isCodeFile, isGraphInput } from '../code/index.js';
import { statOrUndefined } from '../fs.js';
import type { RepoInfo } from '../git/index.js';
import { watchDirectories, type DirWatch } from './dir-watch.js';
import { ingestTarget, isTranscriptFile, type TranscriptRoot } from './roots.js';

/** The incremental stages the watcher drives; each is one call (src/app/watch-stages.ts wires the real ones). */
export interface WatchStages {
  /** Project paths of the repositories lore knows (cheap: one query). */
  repoRoots(): string[];
  /** Git facts of a repository, or undefined when it is gone. */
  repoInfo(root: string): Promise<RepoInfo | undefined>;
  /** Chat transcripts: read these files or directories (undefined: every located one). Returns messages added. */
  ingest(paths: string[] | undefined): Promise<number>;
  /** Hook queue, new commits, links and learning docs of one repository. Returns commits added. */
  catchUp(repo: RepoInfo): Promise<number>;
  /** Vectors for what is new. Returns vectors added and how many wait. */
  embed(): Promise<{ added: number; backlog: number }>;
  /**
   * The files of a repository's import graph (TS/JS and the configs that steer resolution),
   * repo-relative; none when it has no graph yet (`lore index` or its background worker builds it).
   */
  graphFiles(root: string): string[];
  /** Brings a repository's import graph up to date (only files whose hash changed are parsed). Returns files parsed. */
  updateGraph(repo: RepoInfo): Promise<number>;
  /** Releases what the stages hold (the import-graph worker), after the last batch. */
  close?(): void;
}

export type WatchEvent =
  | { type: 'ready'; roots: string[]; waiting: string[]; repos: string[] }
  | { type: 'root-added'; path: string; source: string }
  | { type: 'repo-added'; root: string }
  | { type: 'change'; path: string; what: 'transcript' | 'git' | 'learning' | 'code' }
  | { type: 'batch'; at: string; ms: number; files: number; repos: number; messages: number; commits: number; parsed: number; vectors: number; backlog: number }
  | { type: 'error'; message: string };

export interface WatcherOptions {
  roots: TranscriptRoot[];
  stages: WatchStages;
  onEvent?: (e: WatchEvent) => void;
  /** Quiet time after the last event before a batch runs (bursts coalesce). */
  debounceMs?: number;
  /** A batch runs at the latest this long after the first pending event, even in a steady stream. */
  maxWaitMs?: number;
  /** How often missing roots and new repositories are looked for. */
  pollMs?: number;
}

export interface Watcher {
  /** Stops after the current batch; resolves when everything is closed. */
  stop(): Promise<void>;
  /** Resolves after the first (catch-up) batch. */
  ready: Promise<void>;
}

/** Git state that changes when commits appear without the hook: HEAD, refs, packed-refs, the reflog, lore's queue. */
function isGitStateFile(rel: string): boolean {
  if (rel.endsWith('.lock')) return false; // the rename that follows is the change
  return rel === 'HEAD' || rel === 'packed-refs' || rel.startsWith('refs/') || rel === 'logs/HEAD' || rel === 'lore/queue';
}

/** Directories of the git dir that hold that state (objects, hooks and the rest are not descended into). */
function isGitStateDir(rel: string): boolean {
  return rel === '' || rel === 'refs' || rel.startsWith('refs/') || rel === 'logs' || rel === 'lore';
}

const relPath = (dir: string, path: string) => relative(dir, path).split(sep).join('/');

/**
 * Watches transcript roots (and waits for missing ones), each known repository's git state and
 * learning docs, and the work trees of repositories with an import graph, and runs the stages for
 * what changed: ingest the changed transcripts, catch up the touched repositories, update their
 * import graphs, then embed. Events are debounced into batches; one batch runs at a time. Only
 * directories are watched (dir-watch.ts): memory does not grow with the number of files.
 */
export async function startWatcher(o: WatcherOptions): Promise<Watcher> {
  const emit = o.onEvent ?? (() => {});
  const debounceMs = o.debounceMs ?? 150;
  const maxWaitMs = o.maxWaitMs ?? 1000;
  const pollMs = o.pollMs ?? 2000;

  const pending = { files: new Set<string>(), repos: new Set<string>(), graphs: new Set<string>(), full: true, since: 0 };
  const repos = new Map<string, RepoInfo>();
  const gitDirs = new Map<string, string>(); // watched git dir → repo root
  const docsDirs = new Map<string, string>(); // watched docs/solutions → repo root
  const waitingRoots = new Map(o.roots.map((r) => [r.path, r]));
  const waitingDocs = new Map<string, string>();
  // Work trees of repositories with an import graph: the directories holding the graph's files and
  // their parents, never node_modules, .git, build output or anything git does not track.
  const codeDirs = new Map<string, Set<string>>(); // repo root → absolute directories
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let stopping = false;

  // Repositories and existing roots first, so each chokidar instance starts with its paths and reports 'ready'.
  /** Records a new repository: the git dirs and the docs directory (if it exists) to watch, or undefined when known or gone. */
  const knowRepo = async (root: string): Promise<{ gitDirs: string[]; docs?: string } | undefined> => {
    if (repos.has(root)) return undefined;
    const info = await o.stages.repoInfo(root);
    if (!info) return undefined;
    repos.set(root, info);
    const dirs = [...new Set([info.gitDir, info.commonDir])];
    for (const dir of dirs) gitDirs.set(dir, root);
    const docs = join(root, 'docs', 'solutions');
    if (!existsSync(docs)) {
      waitingDocs.set(docs, root);
      return { gitDirs: dirs };
    }
    docsDirs.set(docs, root);
    return { gitDirs: dirs, docs };
  };
  for (const root of o.stages.repoRoots()) await knowRepo(root);
  const initialRoots = o.roots.filter((r) => existsSync(r.path));
  for (const r of initialRoots) waitingRoots.delete(r.path);

  const onError = (err: Error) => emit({ type: 'error', message: `watch: ${err.message}` });
  const transcriptEvents = {
    onFile: (path: string) => {
      const st = statOrUndefined(path);
      if (st?.isDirectory()) return rescan(path, false);
      // Deleted or renamed away: never delete what a tool deleted (DESIGN.md §4).
      if (!st?.isFile() || !isTranscriptFile(path)) return;
      emit({ type: 'change', path, what: 'transcript' });
      pending.files.add(ingestTarget(path));
      schedule();
    },
    // A new directory (a project, a day of Codex sessions): read it now, and once more after its
    // watch is surely armed, for files written in between.
    onDir: (dir: string) => rescan(dir, true),
    onError,
  };
  const transcripts = watchDirectories(initialRoots.map((r) => r.path), transcriptEvents);
  const gitWatch = watchDirectories([...gitDirs.keys()], {
    depth: 8,
    keepDir: (p) => {
      const dir = ownerRoot(gitDirs, p);
      return dir !== undefined && isGitStateDir(relPath(dir, p));
    },
    onFile: (path) => {
      const dir = ownerRoot(gitDirs, path);
      if (!dir) return;
      const rel = relPath(dir, path);
      const root = gitDirs.get(dir)!;
      // The index moves when files are staged, checked out, pulled: the import graph's file list.
      if (rel === 'index' && codeDirs.has(root)) {
        emit({ type: 'change', path, what: 'code' });
        pending.graphs.add(root);
        schedule();
        return;
      }
      if (!isGitStateFile(rel)) return;
      emit({ type: 'change', path, what: 'git' });
      pending.repos.add(root);
      schedule();
    },
    onError,
  });
  const docsWatch = watchDirectories([...docsDirs.keys()], {
    depth: 6,
    onFile: (path) => {
      const root = ownerOf(docsDirs, path);
      if (!root || !path.endsWith('.md')) return;
      emit({ type: 'change', path, what: 'learning' });
      pending.repos.add(root);
      schedule();
    },
    onError,
  });
  const codeWatch = watchDirectories([], {
    keepDir: (p) => {
      const root = ownerRoot(codeDirs, p);
      return root !== undefined && codeDirs.get(root)!.has(p);
    },
    onFile: (path) => {
      const root = ownerRoot(codeDirs, path);
      if (!root || !isGraphInput(relPath(root, path))) return;
      emit({ type: 'change', path, what: 'code' });
      pending.graphs.add(root);
      schedule();
    },
    onError,
  });
  const all: DirWatch[] = [transcripts, gitWatch, docsWatch, codeWatch];

  /** Watches (more of) a repository's work tree after its graph appeared or changed; true when it has one. */
  function watchCode(root: string): boolean {
    const files = o.stages.graphFiles(root);
    if (!files.some(isCodeFile)) return codeDirs.has(root);
    const dirs = codeDirs.get(root) ?? new Set<string>();
    const added: string[] = [];
    for (const file of files) {
      for (let dir = dirname(join(root, file)); !dirs.has(dir); dir = dirname(dir)) {
        dirs.add(dir);
        added.push(dir);
        if (dir === root || dirname(dir) === dir) break;
      }
    }
    const first = !codeDirs.has(root);
    codeDirs.set(root, dirs);
    if (first) codeWatch.add(root);
    else if (added.length > 0) {
      for (const dir of added) codeWatch.add(dir);
      // A file saved there before its watch is armed raises no event: look once more after (a stat per file).
      lookAgainLater(() => {
        pending.graphs.add(root);
        schedule();
      });
    }
    return true;
  }
  for (const root of repos.keys()) watchCode(root);
  const watchersReady = Promise.all(all.map((w) => w.ready));

  function rescan(dir: string, again: boolean): void {
    if (stopping) return;
    pending.files.add(dir);
    schedule();
    if (again) lookAgainLater(() => rescan(dir, false));
  }

  /** Runs `look` once a watch added now is surely armed (unless the watcher stops first). */
  function lookAgainLater(look: () => void): void {
    const t = setTimeout(() => {
      if (!stopping) look();
    }, Math.max(1000, pollMs * 2));
    t.unref();
  }

  // A root that appears gets its own chokidar instance, whose 'ready' says its directories are
  // armed: what the tool wrote before that is read by a rescan at both ends of the scan.
  const watchRoot = (r: TranscriptRoot) => {
    waitingRoots.delete(r.path);
    const w = watchDirectories([r.path], transcriptEvents);
    all.push(w);
    rescan(r.path, false);
    void w.ready.then(() => {
      if (stopping) return;
      rescan(r.path, false);
      emit({ type: 'root-added', path: r.path, source: r.source });
    });
  };
  const addRepo = async (root: string): Promise<boolean> => {
    const added = await knowRepo(root);
    if (!added) return false;
    for (const dir of added.gitDirs) gitWatch.add(dir);
    if (added.docs) docsWatch.add(added.docs);
    return true;
  };

  const poll = setInterval(() => {
    if (stopping) return;
    for (const r of [...waitingRoots.values()]) {
      if (!existsSync(r.path)) continue;
      watchRoot(r);
    }
    for (const [docs, root] of [...waitingDocs]) {
      if (!existsSync(docs)) continue;
      waitingDocs.delete(docs);
      docsDirs.set(docs, root);
      docsWatch.add(docs);
      pending.repos.add(root);
      schedule();
    }
    // A graph that appeared since (the background worker built it): follow that work tree too.
    for (const root of repos.keys()) {
      if (!codeDirs.has(root) && watchCode(root)) {
        pending.graphs.add(root);
        schedule();
      }
    }
    void (async () => {
      for (const root of o.stages.repoRoots()) {
        if (await addRepo(root)) {
          emit({ type: 'repo-added', root });
          watchCode(root); // a repository in pending.repos with a graph has it updated too (runBatch)
          pending.repos.add(root);
          schedule();
        }
      }
    })().catch((err: unknown) => emit({ type: 'error', message: (err as Error).message }));
  }, pollMs);

  function schedule(): void {
    if (stopping) return;
    if (pending.since === 0) pending.since = Date.now();
    if (timer) clearTimeout(timer);
    const wait = Math.max(0, Math.min(debounceMs, pending.since + maxWaitMs - Date.now()));
    timer = setTimeout(kick, wait);
  }

  function kick(): void {
    timer = undefined;
    if (running) {
      again = true;
      return;
    }
    running = runBatch().finally(() => {
      running = undefined;
      if (again && !stopping) {
        again = false;
        kick();
      }
    });
  }

  async function runBatch(): Promise<void> {
    const started = Date.now();
    const full = pending.full;
    const files = [...pending.files];
    const touched = full ? [...repos.keys()] : [...pending.repos];
    // Code changed, or git state moved (a commit, a checkout, a pull: the tracked files changed).
    const graphs = [...new Set([...pending.graphs, ...touched])].filter((root) => codeDirs.has(root));
    pending.files.clear();
    pending.repos.clear();
    pending.graphs.clear();
    pending.full = false;
    pending.since = 0;
    let messages = 0;
    let commits = 0;
    let parsed = 0;
    try {
      if (full || files.length > 0) messages = await o.stages.ingest(full ? undefined : files);
      // New chats can link to any repository's commits: catch every repository up after an ingest.
      const targets = messages > 0 ? [...repos.keys()] : touched;
      for (const root of targets) {
        const info = repos.get(root);
        if (info) commits += await o.stages.catchUp(info);
      }
      for (const root of graphs) {
        const info = repos.get(root);
        if (!info) continue;
        try {
          parsed += await o.stages.updateGraph(info);
        } catch (err) {
          emit({ type: 'error', message: (err as Error)?.message ?? String(err) });
        }
        watchCode(root); // new directories of the graph's files (a pull, a commit adding one)
      }
      const v = await o.stages.embed();
      emit({ type: 'batch', at: new Date().toISOString(), ms: Date.now() - started, files: files.length, repos: targets.length, messages, commits, parsed, vectors: v.added, backlog: v.backlog });
      // More vectors wait than one batch computes: another round soon, between file events.
      if (v.backlog > 0 && v.added > 0) schedule();
    } catch (err) {
      emit({ type: 'error', message: (err as Error)?.message ?? String(err) });
    }
  }

  await watchersReady;
  kick(); // the first batch catches up with everything that happened while no watcher ran
  const ready = (async () => {
    while (running) await running;
  })();
  emit({ type: 'ready', roots: o.roots.filter((r) => !waitingRoots.has(r.path)).map((r) => r.path), waiting: [...waitingRoots.keys()], repos: [...repos.keys()] });

  return {
    ready,
    stop: async () => {
      stopping = true;
      clearInterval(poll);
      if (timer) clearTimeout(timer);
      while (running) await running;
      o.stages.close?.();
      await Promise.all(all.map((w) => w.close()));
    },
  };
}

/** The key of `dirs` (the longest: repositories nest) that is `path` or holds it. */
function ownerRoot(dirs: Map<string, unknown>, path: string): string | undefined {
  let best: string | undefined;
  for (const dir of dirs.keys()) if ((path === dir || path.startsWith(dir + sep)) && (!best || dir.length > best.length)) best = dir;
  return best;
}

/** The repository root of the watched directory that holds `path`. */
function ownerOf(dirs: Map<string, string>, path: string): string | undefined {
  const dir = ownerRoot(dirs, path);
  return dir === undefined ? undefined : dirs.get(dir);
}
