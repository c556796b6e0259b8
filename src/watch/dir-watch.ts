import { join } from 'node:path';
import { watch as chokidarWatch, type FSWatcher } from 'chokidar';

export interface DirWatchOptions {
  /** Directories to descend into and watch (default: all); a path only, it may not exist. */
  keepDir?: (path: string) => boolean;
  /** A file directly inside a watched directory was created, written, renamed or deleted. */
  onFile: (path: string) => void;
  /** A directory appeared after the initial scan (files written into it before its watch was armed raise no event). */
  onDir?: (path: string) => void;
  onError?: (err: Error) => void;
  /** Levels of subdirectories to descend (chokidar's `depth`). */
  depth?: number;
}

export interface DirWatch {
  add(path: string): void;
  /** Resolves once the initial scan is done. */
  ready: Promise<void>;
  close(): Promise<void>;
}

/**
 * Watches directories, never files: chokidar is told to ignore every file, so it opens one OS
 * watch per directory (inotify on a directory reports writes to the files in it) and keeps no
 * per-file state. File events come from the directory watchers' raw events. Memory then grows
 * with the number of directories, not of files (docs/performance.md).
 */
export function watchDirectories(paths: string[], o: DirWatchOptions): DirWatch {
  const keepDir = o.keepDir ?? (() => true);
  const w: FSWatcher = chokidarWatch(paths, {
    ignoreInitial: true,
    persistent: true,
    ...(o.depth !== undefined ? { depth: o.depth } : {}),
    // Called once with the path alone, then with its lstat: files are never watched one by one.
    ignored: (p: string, stats?: { isFile(): boolean; isDirectory(): boolean }) => (stats?.isFile() ? true : !keepDir(p)),
  });
  const ready = paths.length > 0 ? new Promise<void>((r) => w.once('ready', () => r())) : Promise.resolve();
  w.on('raw', (_event, name: string | null, details) => {
    const dir = (details as { watchedPath?: string } | undefined)?.watchedPath;
    // A null name (some platforms drop it) stands for "something in this directory".
    if (dir) o.onFile(name ? join(dir, name) : dir);
  });
  w.on('addDir', (p: string) => o.onDir?.(p));
  w.on('error', (err) => o.onError?.(err as Error));
  return { add: (p) => w.add(p), ready, close: () => w.close() };
}
