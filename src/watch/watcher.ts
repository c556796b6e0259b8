import { existsSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { isCodeFile, isGraphInput } from '../code/index.js';
import { solutionsDir } from '../link/index.js';
import { statOrUndefined } from '../fs.js';
import type { RepoInfo } from '../git/index.js';
import { watchDirectories, type DirWatch, type DirWatchOptions } from './dir-watch.js';
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
  const session = new WatchSession(o);
  // Repositories and existing roots first, so each chokidar instance starts with its paths and reports 'ready'.
  await session.knowRepos();
  const watchersReady = session.openWatches();
  session.startPolling();
  await watchersReady;
  return session.start();
}

/** What changed since the last batch. */
interface Pending {
  /** Transcript files and directories to read. */
  files: Set<string>;
  /** Repositories to catch up. */
  repos: Set<string>;
  /** Repositories whose import graph to update. */
  graphs: Set<string>;
  /** Everything: the first batch, after a time no watcher ran. */
  full: boolean;
  /** When the oldest pending change came (0: none). */
  since: number;
}

/** The state of one running watcher and the steps that change it. */
class WatchSession {
  private readonly emit: (e: WatchEvent) => void;
  private readonly debounceMs: number;
  private readonly maxWaitMs: number;
  private readonly pollMs: number;

  private readonly pending: Pending = { files: new Set(), repos: new Set(), graphs: new Set(), full: true, since: 0 };
  private readonly repos = new Map<string, RepoInfo>();
  private readonly gitDirs = new Map<string, string>(); // watched git dir → repo root
  private readonly docsDirs = new Map<string, string>(); // watched docs/solutions → repo root
  private readonly waitingRoots: Map<string, TranscriptRoot>;
  private readonly waitingDocs = new Map<string, string>();
  // Work trees of repositories with an import graph: the directories holding the graph's files and
  // their parents, never node_modules, .git, build output or anything git does not track.
  private readonly codeDirs = new Map<string, Set<string>>(); // repo root → absolute directories

  private readonly all: DirWatch[] = [];
  private gitWatch!: DirWatch;
  private docsWatch!: DirWatch;
  private codeWatch!: DirWatch;
  private transcriptEvents!: DirWatchOptions;
  private poll: NodeJS.Timeout | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopping = false;

  constructor(private readonly o: WatcherOptions) {
    this.emit = o.onEvent ?? (() => {});
    this.debounceMs = o.debounceMs ?? 150;
    this.maxWaitMs = o.maxWaitMs ?? 1000;
    this.pollMs = o.pollMs ?? 2000;
    this.waitingRoots = new Map(o.roots.map((r) => [r.path, r]));
  }

  /** Records the repositories lore knows. */
  async knowRepos(): Promise<void> {
    for (const root of this.o.stages.repoRoots()) await this.knowRepo(root);
  }

  /** Records a new repository: the git dirs and the docs directory (if it exists) to watch, or undefined when known or gone. */
  private async knowRepo(root: string): Promise<{ gitDirs: string[]; docs?: string } | undefined> {
    if (this.repos.has(root)) return undefined;
    const info = await this.o.stages.repoInfo(root);
    if (!info) return undefined;
    this.repos.set(root, info);
    const dirs = [...new Set([info.gitDir, info.commonDir])];
    for (const dir of dirs) this.gitDirs.set(dir, root);
    // CE's docs_root may move the learnings folder; an unusable one means none is read.
    const docs = solutionsDir(root) ?? join(root, 'docs', 'solutions');
    if (!existsSync(docs)) {
      this.waitingDocs.set(docs, root);
      return { gitDirs: dirs };
    }
    this.docsDirs.set(docs, root);
    return { gitDirs: dirs, docs };
  }

  /** Opens the transcript, git, docs and code watches; resolves when all of them are armed. */
  openWatches(): Promise<unknown> {
    const initialRoots = this.o.roots.filter((r) => existsSync(r.path));
    for (const r of initialRoots) this.waitingRoots.delete(r.path);
    const onError = (err: Error) => this.emit({ type: 'error', message: `watch: ${err.message}` });
    this.transcriptEvents = {
      onFile: (path) => this.onTranscriptFile(path),
      // A new directory (a project, a day of Codex sessions): read it now, and once more after its
      // watch is surely armed, for files written in between.
      onDir: (dir) => this.rescan(dir, true),
      onError,
    };
    const transcripts = watchDirectories(initialRoots.map((r) => r.path), this.transcriptEvents);
    this.gitWatch = watchDirectories([...this.gitDirs.keys()], {
      depth: 8,
      keepDir: (p) => {
        const dir = ownerRoot(this.gitDirs, p);
        return dir !== undefined && isGitStateDir(relPath(dir, p));
      },
      onFile: (path) => this.onGitFile(path),
      onError,
    });
    this.docsWatch = watchDirectories([...this.docsDirs.keys()], {
      depth: 6,
      onFile: (path) => this.onDocsFile(path),
      onError,
    });
    this.codeWatch = watchDirectories([], {
      keepDir: (p) => {
        const root = ownerRoot(this.codeDirs, p);
        return root !== undefined && this.codeDirs.get(root)!.has(p);
      },
      onFile: (path) => this.onCodeFile(path),
      onError,
    });
    this.all.push(transcripts, this.gitWatch, this.docsWatch, this.codeWatch);
    for (const root of this.repos.keys()) this.watchCode(root);
    return Promise.all(this.all.map((w) => w.ready));
  }

  private onTranscriptFile(path: string): void {
    const st = statOrUndefined(path);
    if (st?.isDirectory()) return this.rescan(path, false);
    // Deleted or renamed away: the tools delete their own history (Claude Code after 30 days), and
    // lore keeps its sessions whatever happens to the file.
    if (!st?.isFile() || !isTranscriptFile(path)) return;
    this.emit({ type: 'change', path, what: 'transcript' });
    this.pending.files.add(ingestTarget(path));
    this.schedule();
  }

  private onGitFile(path: string): void {
    const dir = ownerRoot(this.gitDirs, path);
    if (!dir) return;
    const rel = relPath(dir, path);
    const root = this.gitDirs.get(dir)!;
    // The index moves when files are staged, checked out, pulled: the import graph's file list.
    if (rel === 'index' && this.codeDirs.has(root)) {
      this.emit({ type: 'change', path, what: 'code' });
      this.pending.graphs.add(root);
      this.schedule();
      return;
    }
    if (!isGitStateFile(rel)) return;
    this.emit({ type: 'change', path, what: 'git' });
    this.pending.repos.add(root);
    this.schedule();
  }

  private onDocsFile(path: string): void {
    const root = ownerOf(this.docsDirs, path);
    if (!root || !path.endsWith('.md')) return;
    this.emit({ type: 'change', path, what: 'learning' });
    this.pending.repos.add(root);
    this.schedule();
  }

  private onCodeFile(path: string): void {
    const root = ownerRoot(this.codeDirs, path);
    if (!root || !isGraphInput(relPath(root, path))) return;
    this.emit({ type: 'change', path, what: 'code' });
    this.pending.graphs.add(root);
    this.schedule();
  }

  /** Watches (more of) a repository's work tree after its graph appeared or changed; true when it has one. */
  private watchCode(root: string): boolean {
    const files = this.o.stages.graphFiles(root);
    if (!files.some(isCodeFile)) return this.codeDirs.has(root);
    const dirs = this.codeDirs.get(root) ?? new Set<string>();
    const added: string[] = [];
    for (const file of files) {
      for (let dir = dirname(join(root, file)); !dirs.has(dir); dir = dirname(dir)) {
        dirs.add(dir);
        added.push(dir);
        if (dir === root || dirname(dir) === dir) break;
      }
    }
    const first = !this.codeDirs.has(root);
    this.codeDirs.set(root, dirs);
    if (first) this.codeWatch.add(root);
    else if (added.length > 0) {
      for (const dir of added) this.codeWatch.add(dir);
      // A file saved there before its watch is armed raises no event: look once more after (a stat per file).
      this.lookAgainLater(() => {
        this.pending.graphs.add(root);
        this.schedule();
      });
    }
    return true;
  }

  private rescan(dir: string, twice: boolean): void {
    if (this.stopping) return;
    this.pending.files.add(dir);
    this.schedule();
    if (twice) this.lookAgainLater(() => this.rescan(dir, false));
  }

  /** Runs `look` once a watch added now is surely armed (unless the watcher stops first). */
  private lookAgainLater(look: () => void): void {
    const t = setTimeout(() => {
      if (!this.stopping) look();
    }, Math.max(1000, this.pollMs * 2));
    t.unref();
  }

  // A root that appears gets its own chokidar instance, whose 'ready' says its directories are
  // armed: what the tool wrote before that is read by a rescan at both ends of the scan.
  private watchRoot(r: TranscriptRoot): void {
    this.waitingRoots.delete(r.path);
    const w = watchDirectories([r.path], this.transcriptEvents);
    this.all.push(w);
    this.rescan(r.path, false);
    void w.ready.then(() => {
      if (this.stopping) return;
      this.rescan(r.path, false);
      this.emit({ type: 'root-added', path: r.path, source: r.source });
    });
  }

  private async addRepo(root: string): Promise<boolean> {
    const added = await this.knowRepo(root);
    if (!added) return false;
    for (const dir of added.gitDirs) this.gitWatch.add(dir);
    if (added.docs) this.docsWatch.add(added.docs);
    return true;
  }

  /** Looks every pollMs for what no watch can report: roots, docs folders, graphs and repositories that appeared. */
  startPolling(): void {
    this.poll = setInterval(() => {
      if (this.stopping) return;
      this.watchAppearedRoots();
      this.watchAppearedDocs();
      this.watchAppearedGraphs();
      void this.addNewRepos().catch((err: unknown) => this.emit({ type: 'error', message: (err as Error).message }));
    }, this.pollMs);
  }

  private watchAppearedRoots(): void {
    for (const r of [...this.waitingRoots.values()]) {
      if (!existsSync(r.path)) continue;
      this.watchRoot(r);
    }
  }

  private watchAppearedDocs(): void {
    for (const [docs, root] of [...this.waitingDocs]) {
      if (!existsSync(docs)) continue;
      this.waitingDocs.delete(docs);
      this.docsDirs.set(docs, root);
      this.docsWatch.add(docs);
      this.pending.repos.add(root);
      this.schedule();
    }
  }

  /** A graph that appeared since (the background worker built it): follow that work tree too. */
  private watchAppearedGraphs(): void {
    for (const root of this.repos.keys()) {
      if (!this.codeDirs.has(root) && this.watchCode(root)) {
        this.pending.graphs.add(root);
        this.schedule();
      }
    }
  }

  private async addNewRepos(): Promise<void> {
    for (const root of this.o.stages.repoRoots()) {
      if (await this.addRepo(root)) {
        this.emit({ type: 'repo-added', root });
        this.watchCode(root); // a repository in pending.repos with a graph has it updated too (runBatch)
        this.pending.repos.add(root);
        this.schedule();
      }
    }
  }

  private schedule(): void {
    if (this.stopping) return;
    if (this.pending.since === 0) this.pending.since = Date.now();
    if (this.timer) clearTimeout(this.timer);
    const wait = Math.max(0, Math.min(this.debounceMs, this.pending.since + this.maxWaitMs - Date.now()));
    this.timer = setTimeout(() => this.kick(), wait);
  }

  private kick(): void {
    this.timer = undefined;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.runBatch().finally(() => {
      this.running = undefined;
      if (this.again && !this.stopping) {
        this.again = false;
        this.kick();
      }
    });
  }

  /** Takes what is pending and clears it, so events during the batch go to the next one. */
  private takePending(): { full: boolean; files: string[]; touched: string[]; graphs: string[] } {
    const full = this.pending.full;
    const files = [...this.pending.files];
    const touched = full ? [...this.repos.keys()] : [...this.pending.repos];
    // Code changed, or git state moved (a commit, a checkout, a pull: the tracked files changed).
    const graphs = [...new Set([...this.pending.graphs, ...touched])].filter((root) => this.codeDirs.has(root));
    this.pending.files.clear();
    this.pending.repos.clear();
    this.pending.graphs.clear();
    this.pending.full = false;
    this.pending.since = 0;
    return { full, files, touched, graphs };
  }

  private async runBatch(): Promise<void> {
    const started = Date.now();
    const { full, files, touched, graphs } = this.takePending();
    try {
      const messages = full || files.length > 0 ? await this.o.stages.ingest(full ? undefined : files) : 0;
      // New chats can link to any repository's commits: catch every repository up after an ingest.
      const targets = messages > 0 ? [...this.repos.keys()] : touched;
      const commits = await this.catchUp(targets);
      const parsed = await this.updateGraphs(graphs);
      const v = await this.o.stages.embed();
      this.emit({ type: 'batch', at: new Date().toISOString(), ms: Date.now() - started, files: files.length, repos: targets.length, messages, commits, parsed, vectors: v.added, backlog: v.backlog });
      // More vectors wait than one batch computes: another round soon, between file events.
      if (v.backlog > 0 && v.added > 0) this.schedule();
    } catch (err) {
      this.emit({ type: 'error', message: (err as Error)?.message ?? String(err) });
    }
  }

  /** Catches up these repositories; returns commits added. */
  private async catchUp(roots: string[]): Promise<number> {
    let commits = 0;
    for (const root of roots) {
      const info = this.repos.get(root);
      if (info) commits += await this.o.stages.catchUp(info);
    }
    return commits;
  }

  /** Updates these repositories' import graphs (a failure is reported and the rest go on); returns files parsed. */
  private async updateGraphs(roots: string[]): Promise<number> {
    let parsed = 0;
    for (const root of roots) {
      const info = this.repos.get(root);
      if (!info) continue;
      try {
        parsed += await this.o.stages.updateGraph(info);
      } catch (err) {
        this.emit({ type: 'error', message: (err as Error)?.message ?? String(err) });
      }
      this.watchCode(root); // new directories of the graph's files (a pull, a commit adding one)
    }
    return parsed;
  }

  /** Runs the first batch, which catches up with everything that happened while no watcher ran. */
  start(): Watcher {
    this.kick();
    const ready = (async () => {
      while (this.running) await this.running;
    })();
    this.emit({ type: 'ready', roots: this.o.roots.filter((r) => !this.waitingRoots.has(r.path)).map((r) => r.path), waiting: [...this.waitingRoots.keys()], repos: [...this.repos.keys()] });
    return { ready, stop: () => this.stop() };
  }

  private async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.poll);
    if (this.timer) clearTimeout(this.timer);
    while (this.running) await this.running;
    this.o.stages.close?.();
    await Promise.all(this.all.map((w) => w.close()));
  }
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
