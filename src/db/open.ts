import { accessSync, chmodSync, closeSync, constants, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { openSqlite, type Database } from './sqlite.js';
import { DamagedDatabaseError, DatabaseError, isDamagedDatabase } from '../errors.js';
import { migrate } from './migrate.js';

export type Db = Database;

export interface OpenOptions {
  /** Open without creating or migrating; fails when the file is missing. */
  readonly?: boolean;
  /** Apply pending migrations (default true for writers). */
  migrate?: boolean;
  /** Open even when a command found the file damaged (`lore doctor`, which checks it again). */
  allowDamaged?: boolean;
  /**
   * Most KiB of pages this connection caches (better-sqlite3's build default: 16,000). A
   * connection that lives for hours (`lore watch`) keeps what it cached at its busiest for good.
   */
  cacheKb?: number;
  /**
   * Read pages through a memory map (default false). A query (why, search, related, context) reads
   * a few hundred scattered rows once, and a copy from the page cache beats a read call each: it
   * asks for the map. Anything that writes much (an ingest, a backfill) or lives for hours (`lore
   * watch`) does not: every page it touched would count in its memory, though the kernel may drop it.
   */
  mmap?: boolean;
}

/** The most of the file a connection maps (SQLite maps no more than the file's size). */
export const MMAP_BYTES = 1 << 30;

/** Every database this process opened: where recordDamage leaves its marker. */
const opened = new Set<string>();

/**
 * The file beside a database that says a command found it damaged. SQLite only notices a bad page
 * when a query reads it, so a command that reads other pages would go on working (and writing)
 * on a damaged file; the marker makes every later command stop until `lore doctor` has checked it.
 */
export function damageMarkerPath(dbPath: string): string {
  return `${dbPath}.damaged`;
}

/** What the damage marker beside `dbPath` says, or undefined when there is none. */
export function damageFound(dbPath: string): string | undefined {
  try {
    return readFileSync(damageMarkerPath(dbPath), 'utf8').trim() || 'found damaged';
  } catch {
    return undefined;
  }
}

/** Leaves the damage marker beside every database this process opened (after SQLite found one damaged). */
export function recordDamage(reason: string): void {
  for (const path of opened) {
    try {
      writeFileSync(damageMarkerPath(path), `${reason}\n`, { mode: 0o600 });
    } catch {
      // a folder we cannot write: the error the user sees still names lore doctor
    }
  }
}

/**
 * The first problem SQLite's quick check finds in a database this process opened, or undefined
 * when they are all sound. For a failure SQLite did not call corruption: sqlite-vec reports a
 * damaged shadow table as a plain "SQL logic error". Reads every page: for failure paths only.
 */
export function damageOfOpened(): string | undefined {
  for (const path of opened) {
    try {
      const db = openSqlite(path, { readonly: true, fileMustExist: true });
      try {
        const rows = (db.pragma('quick_check(3)') as { quick_check: string }[]).map((r) => r.quick_check);
        if (rows.length !== 1 || rows[0] !== 'ok') return rows.join('; ');
      } finally {
        db.close();
      }
    } catch (err) {
      if (isDamagedDatabase(err)) return (err as Error).message;
    }
  }
  return undefined;
}

/** Removes the damage marker (`lore doctor` found the whole file sound). */
export function clearDamage(dbPath: string): void {
  rmSync(damageMarkerPath(dbPath), { force: true });
}

/**
 * Opens (creating on first use) the database: WAL, busy timeout, foreign keys, file mode 0600
 * in a 0700 directory, migrated to the latest schema.
 */
export function openDb(path: string, options: OpenOptions = {}): Db {
  const readonly = options.readonly ?? false;
  const damage = options.allowDamaged ? undefined : damageFound(path);
  if (damage !== undefined) throw new DamagedDatabaseError(path, damage);
  opened.add(path);
  if (!readonly) ensurePrivateFile(path);
  let db: Db;
  try {
    db = openSqlite(path, { readonly, fileMustExist: readonly });
    db.pragma(`busy_timeout = ${BUSY_MS}`);
    if (options.mmap) db.pragma(`mmap_size = ${MMAP_BYTES}`);
    if (!readonly) enterWal(db);
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    if (options.cacheKb !== undefined) db.pragma(`cache_size = -${Math.max(1, Math.trunc(options.cacheKb))}`);
    // Reading any schema page proves the file is a database before we rely on it.
    db.prepare('SELECT count(*) FROM sqlite_master').get();
  } catch (err) {
    throw new DatabaseError(path, describe(err, path));
  }
  if (!readonly && (options.migrate ?? true)) {
    try {
      migrate(db);
    } catch (err) {
      db.close();
      throw err;
    }
  }
  return db;
}

/** How long openDb waits for the locks it needs: the busy timeout, also for entering WAL mode. */
const BUSY_MS = 10_000;

/**
 * Switches the file to WAL mode. On a new file that several processes open at the same moment
 * (a hook worker and a query on a first run), each holds a read lock and wants the write lock to
 * switch; SQLite then answers SQLITE_BUSY at once rather than calling the busy handler, which
 * would deadlock. Once one of them has switched, the others find WAL mode on: so try again for as
 * long as the busy timeout would have waited.
 */
function enterWal(db: Db): void {
  const until = Date.now() + BUSY_MS;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (err) {
      if ((err as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() >= until) throw err;
      Atomics.wait(pause, 0, 0, 5 + Math.random() * 20);
    }
  }
}

function ensurePrivateFile(path: string): void {
  const dir = dirname(path);
  try {
    if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (!existsSync(path)) {
      closeSync(openSync(path, 'a', 0o600));
      chmodSync(path, 0o600);
    }
  } catch (err) {
    throw new DatabaseError(path, describe(err, path));
  }
}

function describe(err: unknown, path?: string): string {
  const e = err as NodeJS.ErrnoException & { code?: string };
  if (e.code === 'SQLITE_NOTADB') return 'the file is not a lore database (corrupt or foreign)';
  if (e.code === 'SQLITE_CORRUPT') return 'the database file is corrupt';
  if (e.code === 'EROFS' || e.code === 'SQLITE_CANTOPEN' || e.code === 'EACCES' || String(e.code).startsWith('SQLITE_READONLY')) {
    if (path) {
      try {
        accessSync(dirname(path), constants.W_OK);
      } catch (probe) {
        if ((probe as NodeJS.ErrnoException).code === 'EROFS') return 'it is on a read-only file system';
        if ((probe as NodeJS.ErrnoException).code === 'EACCES') return `its folder ${dirname(path)} is not writable`;
      }
    }
    if (e.code === 'EACCES' || e.code === 'SQLITE_CANTOPEN') return 'permission denied or the file cannot be opened';
  }
  if (e.code === 'SQLITE_READONLY') return 'the database is read-only';
  if (e.code === 'SQLITE_FULL' || e.code === 'ENOSPC') return 'the disk is full';
  return e.message;
}
