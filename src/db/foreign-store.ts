import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { openSqlite, type Database } from './sqlite.js';

/**
 * Read-only access to another tool's SQLite store (Cursor's state.vscdb, OpenCode's opencode.db,
 * cursor-agent's store.db). These stores are open in the tool while we read, so we must never
 * write to them and never hold a lock the tool would wait on:
 * - the file is opened `readonly` + `fileMustExist` with a short busy timeout;
 * - every query is its own short read transaction (no long-lived iterators), so in rollback-journal
 *   mode the SHARED lock is dropped between statements and the tool's writer can commit;
 * - when the store is busy (a writer holds EXCLUSIVE) or cannot be opened read-only (a WAL store
 *   whose -shm we may not create), we read a private snapshot copy instead (db + -wal + -journal,
 *   copied to a temp dir), as the format doc advises. better-sqlite3 has URI filenames turned off,
 *   so `immutable=1` is not available; the copy is the lock-free path.
 */

export type ForeignStoreProblem = 'missing' | 'corrupt' | 'locked' | 'unreadable';

export class ForeignStoreError extends Error {
  constructor(
    readonly problem: ForeignStoreProblem,
    readonly path: string,
    detail: string,
  ) {
    super(`${path}: ${problem} (${detail})`);
    this.name = 'ForeignStoreError';
  }
}

export interface ForeignStoreOptions {
  /** How long one statement may wait on the tool's writer before we switch to a snapshot. */
  busyTimeoutMs?: number;
  /** Stores larger than this are never copied: a busy one is reported as locked instead. */
  maxSnapshotBytes?: number;
}

export interface ForeignStore {
  readonly path: string;
  /** True once reads come from a private copy (the live store was busy or not openable read-only). */
  readonly isSnapshot: boolean;
  /** Names of the user tables. */
  tables(): string[];
  /** Column names of a table (empty when it does not exist). */
  columns(table: string): string[];
  /** Runs one SELECT to completion and returns its rows. */
  all<T = Record<string, unknown>>(sql: string, params?: unknown[]): T[];
  close(): void;
}

const DEFAULT_BUSY_MS = 250;
const DEFAULT_MAX_SNAPSHOT = 1024 * 1024 * 1024;

/** Opens another tool's SQLite store read-only, without locking the tool out; throws ForeignStoreError. */
export function openForeignStore(path: string, options: ForeignStoreOptions = {}): ForeignStore {
  return new ReadOnlyStore(path, options.busyTimeoutMs ?? DEFAULT_BUSY_MS, options.maxSnapshotBytes ?? DEFAULT_MAX_SNAPSHOT);
}

class ReadOnlyStore implements ForeignStore {
  private db: Database;
  private snapshotDir: string | undefined;

  constructor(
    readonly path: string,
    private readonly busyMs: number,
    private readonly maxSnapshot: number,
  ) {
    if (!existsSync(path)) throw new ForeignStoreError('missing', path, 'no such file');
    try {
      this.db = openReadOnly(path, busyMs);
      this.db.prepare('SELECT count(*) FROM sqlite_master').get();
    } catch (err) {
      const problem = classify(err);
      if (problem === 'corrupt') throw new ForeignStoreError('corrupt', path, message(err));
      // Busy, or a WAL store we cannot open read-only in place: read a private copy.
      this.db = this.openSnapshot(err);
    }
  }

  get isSnapshot(): boolean {
    return this.snapshotDir !== undefined;
  }

  tables(): string[] {
    return this.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").map(
      (r) => r.name,
    );
  }

  columns(table: string): string[] {
    return this.all<{ name: string }>('SELECT name FROM pragma_table_info(?)', [table]).map((r) => r.name);
  }

  all<T = Record<string, unknown>>(sql: string, params: unknown[] = []): T[] {
    try {
      return this.db.prepare(sql).all(...params) as T[];
    } catch (err) {
      const problem = classify(err);
      if (problem === 'corrupt') throw new ForeignStoreError('corrupt', this.path, message(err));
      if (problem !== 'locked' || this.isSnapshot) throw new ForeignStoreError(problem, this.path, message(err));
      // The tool started writing between our statements: finish from a snapshot.
      this.db.close();
      this.db = this.openSnapshot(err);
      return this.all<T>(sql, params);
    }
  }

  close(): void {
    try {
      this.db.close();
    } finally {
      if (this.snapshotDir) rmSync(this.snapshotDir, { recursive: true, force: true });
      this.snapshotDir = undefined;
    }
  }

  private openSnapshot(cause: unknown): Database {
    let size = 0;
    try {
      size = statSync(this.path).size;
    } catch (err) {
      throw new ForeignStoreError('unreadable', this.path, message(err));
    }
    if (size > this.maxSnapshot) {
      throw new ForeignStoreError('locked', this.path, `${message(cause)}; too large to snapshot (${size} bytes)`);
    }
    const dir = mkdtempSync(join(tmpdir(), 'lore-store-'));
    this.snapshotDir = dir;
    const copy = join(dir, basename(this.path));
    try {
      copyFileSync(this.path, copy);
      for (const suffix of ['-wal', '-journal']) {
        if (existsSync(this.path + suffix)) copyFileSync(this.path + suffix, copy + suffix);
      }
      // Read-write on our own copy so SQLite can roll back a copied hot journal or replay the WAL.
      const db = openSqlite(copy, { fileMustExist: true, timeout: this.busyMs });
      db.pragma('query_only = ON');
      db.prepare('SELECT count(*) FROM sqlite_master').get();
      return db;
    } catch (err) {
      rmSync(dir, { recursive: true, force: true });
      this.snapshotDir = undefined;
      const problem = classify(err);
      throw new ForeignStoreError(problem === 'corrupt' ? 'corrupt' : problem === 'locked' ? 'locked' : 'unreadable', this.path, message(err));
    }
  }
}

function openReadOnly(path: string, busyMs: number): Database {
  return openSqlite(path, { readonly: true, fileMustExist: true, timeout: busyMs });
}

function classify(err: unknown): ForeignStoreProblem {
  const code = (err as { code?: string }).code ?? '';
  if (code.startsWith('SQLITE_NOTADB') || code.startsWith('SQLITE_CORRUPT')) return 'corrupt';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'locked';
  return 'unreadable';
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
