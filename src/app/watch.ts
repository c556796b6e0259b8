// The watch module (chokidar) is imported only when a watcher starts or a service file is
// written: app/index.ts is loaded by every command, `lore why` included.
import { openDb } from '../db/index.js';
import { resolveEmbedder } from '../embed/index.js';
import type { ServiceOptions, ServiceResult, WatchEvent } from '../watch/index.js';
import { acquireWatchLock } from './lock.js';
import { dbPathOf, type Place } from './repo-context.js';
import { watchStages } from './watch-stages.js';

export interface WatchOptions {
  /** The home folder whose AI tools' transcripts are followed. */
  home: string;
  onEvent: (e: WatchEvent) => void;
  /** Quiet time (ms) after the last file event before a batch runs. */
  debounceMs?: number;
  /** How often (ms) missing transcript roots and new repositories are looked for. */
  pollMs?: number;
}

/**
 * `lore watch`: takes the one-watcher-per-database lock, then follows every AI tool's transcripts
 * and every known repository, running the same stages as `lore index` on what changed. `stop()`
 * lets the current batch finish, then closes everything.
 */
export async function startWatching(place: Pick<Place, 'db' | 'env'>, options: WatchOptions): Promise<{ stop(): Promise<void> }> {
  const watch = await import('../watch/index.js');
  const env = place.env ?? process.env;
  const dbPath = dbPathOf(place);
  const lock = acquireWatchLock(dbPath);
  let db: ReturnType<typeof openDb> | undefined;
  try {
    // SQLite's own default cache (2 MB), not the 16 MB better-sqlite3 builds in: the pages cached
    // during the first catch-up would stay in the watcher's memory while it idles, and the batches
    // that follow are small.
    db = openDb(dbPath, { cacheKb: 2000 });
    const stages = watchStages(db, {
      embedder: resolveEmbedder(env),
      dbPath,
      env,
      report: (e) => {
        if (e.type === 'warning') options.onEvent({ type: 'error', message: e.message });
      },
    });
    const watcher = await watch.startWatcher({
      roots: watch.transcriptRoots(env, options.home),
      stages,
      onEvent: options.onEvent,
      ...(options.debounceMs !== undefined ? { debounceMs: options.debounceMs } : {}),
      ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
    });
    const opened = db;
    return {
      stop: async () => {
        try {
          await watcher.stop();
        } finally {
          opened.close();
          lock.release();
        }
      },
    };
  } catch (err) {
    db?.close();
    lock.release();
    throw err;
  }
}

/** `lore watch --install-service`: writes a login service that runs `lore watch`. */
export async function installWatchService(options: ServiceOptions): Promise<ServiceResult> {
  return (await import('../watch/index.js')).installService(options);
}

/** `lore watch --uninstall-service`: removes that service file. */
export async function uninstallWatchService(options: ServiceOptions): Promise<ServiceResult> {
  return (await import('../watch/index.js')).uninstallService(options);
}
