import { accessSync, chmodSync, closeSync, constants, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { openSqlite, type Database } from './sqlite.js';
import { DatabaseError } from '../errors.js';
import { migrate } from './migrate.js';

export type Db = Database;

export interface OpenOptions {
  /** Open without creating or migrating; fails when the file is missing. */
  readonly?: boolean;
  /** Apply pending migrations (default true for writers). */
  migrate?: boolean;
}

/**
 * Opens (creating on first use) the database: WAL, busy timeout, foreign keys, file mode 0600
 * in a 0700 directory, migrated to the latest schema.
 */
export function openDb(path: string, options: OpenOptions = {}): Db {
  const readonly = options.readonly ?? false;
  if (!readonly) ensurePrivateFile(path);
  let db: Db;
  try {
    db = openSqlite(path, { readonly, fileMustExist: readonly });
    db.pragma('busy_timeout = 10000');
    if (!readonly) db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
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
