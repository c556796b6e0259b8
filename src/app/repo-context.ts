import { resolveDbPath } from '../config/index.js';
import { damageOfOpened, openDb, recordDamage, type Db } from '../db/index.js';
import { isDamagedDatabase } from '../errors.js';
import { findRepo, type RepoInfo } from '../git/index.js';

/** Where a command runs: the directory it starts in (`-C`), and the database file (`--db`). */
export interface Place {
  cwd: string;
  /** The database file the user named; default $LORE_HOME/lore.db or the XDG data folder. */
  db?: string;
  env?: NodeJS.ProcessEnv;
}

export interface RepoContext {
  repo: RepoInfo;
  db: Db;
  dbPath: string;
}

/** The database file a command uses. */
export function dbPathOf(place: Pick<Place, 'db' | 'env'>): string {
  return resolveDbPath(place.env ?? process.env, place.db);
}

/** Finds the repository first (so a bad cwd writes nothing), then opens the database. */
export async function openRepoContext(place: Place): Promise<RepoContext> {
  const repo = await findRepo(place.cwd);
  const dbPath = dbPathOf(place);
  return { repo, db: openDb(dbPath), dbPath };
}

/** The repository `dir` is in, or undefined outside one (commands that also work outside a repository). */
export async function findRepoOrNone(dir: string): Promise<RepoInfo | undefined> {
  return findRepo(dir).catch(() => undefined);
}

/** Runs `work` on the database at `dbPath` and closes it, whatever happens. */
export async function withDb<T>(dbPath: string, work: (db: Db) => T | Promise<T>, options: { readonly?: boolean; mmap?: boolean } = {}): Promise<T> {
  const db = openDb(dbPath, options);
  try {
    return await work(db);
  } finally {
    db.close();
  }
}

/**
 * Called with the error a command (or a worker) ends on. When SQLite found the database damaged
 * (or an unexplained SQLite failure turns out to come from a damaged file), every later command is
 * stopped too (see damageMarkerPath) until `lore doctor` checks the file; returns what is damaged.
 */
export function noteFailure(err: unknown): string | undefined {
  const code = String((err as { code?: unknown })?.code ?? '');
  const damage = isDamagedDatabase(err) ? (err as Error).message : code.startsWith('SQLITE_') && !KNOWN.test(code) ? damageOfOpened() : undefined;
  if (damage !== undefined) recordDamage(damage);
  return damage;
}

/** SQLite failures with a cause of their own (a full disk, a lock, a read-only file): no damage check. */
const KNOWN = /^SQLITE_(FULL|BUSY|LOCKED|READONLY|IOERR|CANTOPEN|PERM|CONSTRAINT|INTERRUPT|NOMEM)/;
