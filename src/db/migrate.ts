import { chmodSync, existsSync, linkSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Database from 'better-sqlite3';
import { MigrationError, SchemaTooNewError } from '../errors.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
  /**
   * The file says `-- lore:rewrites-table` on a line of its own: it copies a table into a new one
   * (SQLite's way to change a column). migrate() takes a backup of the database before it.
   */
  rewritesTable?: boolean;
}

export interface MigrateOptions {
  /** Called with the path of each backup taken before a table-rewriting migration. */
  onBackup?: (path: string) => void;
  now?: () => Date;
}

const REWRITES_MARKER = /^--\s*lore:rewrites-table\b/m;

/** Finds migrations/ by walking up from this module: works from src/ (tests) and dist/ (bundle). */
function findMigrationsDir(from = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'migrations');
    if (existsSync(join(candidate, '0001_init.sql'))) return candidate;
    if (dirname(dir) === dir) throw new Error(`migrations/ not found above ${from}`);
  }
}

export function loadMigrations(dir = findMigrationsDir()): Migration[] {
  return migrationFiles(dir).map((f) => {
    const sql = readFileSync(join(dir, f), 'utf8');
    return { version: Number(f.slice(0, 4)), name: f, sql, rewritesTable: REWRITES_MARKER.test(sql) };
  });
}

function migrationFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f))
    .sort();
}

/** The newest migration's version, from the file names alone (every command opening the database asks). */
function latestOnDisk(): number {
  return Number(migrationFiles(findMigrationsDir()).pop()?.slice(0, 4) ?? 0);
}

/**
 * Applies, in order, every migration above PRAGMA user_version, each in its own transaction
 * together with the version bump: a failure leaves the database exactly as it was. Before a
 * migration marked `-- lore:rewrites-table`, the database is copied (VACUUM INTO) to
 * `<db>.before-<migration>-<time>.bak` beside it, private to the user, so even a migration that
 * commits a wrong rewrite cannot lose data (a new database, at version 0, gets no backup). A
 * database from a newer lore is refused, not touched.
 */
export function migrate(db: Database.Database, given?: Migration[], upTo = Infinity, options: MigrateOptions = {}): number[] {
  const current = db.pragma('user_version', { simple: true }) as number;
  // Up to date (the usual case): no migration file needs reading.
  if (!given && upTo === Infinity && current === latestOnDisk()) return [];
  const migrations = given ?? loadMigrations();
  const latest = latestVersion(migrations);
  if (current > latest && upTo === Infinity) throw new SchemaTooNewError(db.name, current, latest);
  const applied: number[] = [];
  for (const m of migrations) {
    if (m.version <= current || m.version > upTo) continue;
    let backup: string | undefined;
    // Another process may have applied it meanwhile (then no backup is needed), or be taking the
    // same backup this very second: takeBackup() keeps the first whole copy of the state before
    // the migration. A new database (version 0) has nothing to lose.
    if (m.rewritesTable && current > 0 && isFileDb(db) && (db.pragma('user_version', { simple: true }) as number) < m.version) {
      const path = backupPath(db.name, m.name, (options.now ?? (() => new Date()))());
      if (existsSync(path)) chmodSync(path, 0o600);
      else takeBackup(db, m.name, m.version, path);
      if (existsSync(path)) {
        backup = path;
        options.onBackup?.(path);
      }
    }
    let done = false;
    try {
      db.transaction(() => {
        // Two processes opening a new database (the hook's detached workers) both read version 0;
        // the one that gets the write lock second must find the work done, not redo it.
        if ((db.pragma('user_version', { simple: true }) as number) >= m.version) return;
        db.exec(m.sql);
        db.pragma(`user_version = ${m.version}`);
        done = true;
      }).immediate();
    } catch (err) {
      throw new MigrationError(m.name, (err as Error).message, backup);
    }
    if (done) applied.push(m.version);
  }
  return applied;
}

/**
 * Copies the database to `backup` before migration `version`. The copy is written under a private
 * name and linked into place, so the backup appears whole or not at all and a second taker never
 * replaces the first. A copy that another process's migration already reached is no backup of
 * the state before it, and is dropped (that process took its own first).
 */
function takeBackup(db: Database.Database, migration: string, version: number, backup: string): void {
  const partial = `${backup}.${process.pid}.partial`;
  try {
    db.prepare('VACUUM INTO ?').run(partial);
    chmodSync(partial, 0o600);
    if (versionOf(db, partial) < version) {
      try {
        linkSync(partial, backup);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        // A file system without hard links: a rename, which could replace a copy taken meanwhile.
        if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EXDEV') {
          if (!existsSync(backup)) renameSync(partial, backup);
        } else if (code !== 'EEXIST') throw err;
      }
    }
  } catch (err) {
    throw new MigrationError(migration, `could not take the backup it needs first (${backup}): ${(err as Error).message}`);
  } finally {
    rmSync(partial, { force: true });
  }
}

function versionOf(db: Database.Database, file: string): number {
  db.prepare("ATTACH ? AS lore_backup").run(file);
  try {
    return db.pragma('lore_backup.user_version', { simple: true }) as number;
  } finally {
    db.exec('DETACH lore_backup');
  }
}

function isFileDb(db: Database.Database): boolean {
  return db.name !== '' && db.name !== ':memory:' && !db.memory;
}

/** `<db>.before-0012_x-20260101T000000Z.bak`: sorts by time, says which migration it precedes. */
function backupPath(dbPath: string, migration: string, at: Date): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${dbPath}.before-${migration.replace(/\.sql$/, '')}-${stamp}.bak`;
}

/** The backups migrate() left beside `dbPath` (named by backupPath), oldest first; none when the folder cannot be read. */
export function migrationBackups(dbPath: string): string[] {
  const prefix = `${basename(dbPath)}.before-`;
  let names: string[];
  try {
    names = readdirSync(dirname(dbPath));
  } catch {
    return [];
  }
  return names
    .filter((n) => n.startsWith(prefix) && n.endsWith('.bak'))
    .sort()
    .map((n) => join(dirname(dbPath), n));
}

export function latestVersion(migrations = loadMigrations()): number {
  return migrations.reduce((max, m) => Math.max(max, m.version), 0);
}
