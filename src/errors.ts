/**
 * Typed errors. Every error a user can cause carries a stable code and a hint; the CLI maps them
 * to one line on stderr and exit code 2 (src/cli/exit.ts is the only place that does).
 */
export class LoreError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotAGitRepoError extends LoreError {
  constructor(dir: string) {
    super(`${dir} is not inside a git work tree`, 'E_NOT_GIT_REPO', 'run `git init` or cd into a repository');
  }
}

export class UntrackedPathError extends LoreError {
  constructor(path: string, suggestions: string[]) {
    super(
      `${path} is not tracked by git and has no history`,
      'E_UNTRACKED_PATH',
      suggestions.length > 0 ? `did you mean: ${suggestions.join(', ')}` : 'check the path with `git ls-files`',
    );
  }
}

export class LineOutOfRangeError extends LoreError {
  constructor(path: string, line: number, lineCount: number) {
    super(
      `${path} has ${lineCount} line${lineCount === 1 ? '' : 's'}; line ${line} does not exist`,
      'E_LINE_OUT_OF_RANGE',
      `pass a line between 1 and ${lineCount}`,
    );
  }
}

export class DatabaseError extends LoreError {
  constructor(path: string, reason: string) {
    super(
      `cannot use the database at ${path}: ${reason}`,
      'E_DATABASE',
      'check the file and its permissions; `lore doctor` tells more, or set LORE_HOME to use another database',
    );
  }
}

export class MigrationError extends LoreError {
  constructor(file: string, reason: string, backup?: string) {
    super(
      `migration ${file} failed and was rolled back; the database is unchanged: ${reason}`,
      'E_MIGRATION',
      `please report this; the database still works with the previous lore version${backup ? ` (a copy from before the migration is at ${backup})` : ''}`,
    );
  }
}

export class SchemaTooNewError extends LoreError {
  constructor(path: string, version: number, latest: number) {
    super(
      `the database at ${path} has schema version ${version}, newer than this lore knows (${latest}); it was left untouched`,
      'E_SCHEMA_TOO_NEW',
      'upgrade lore (npm install -g git-lore), or set LORE_HOME to use another database',
    );
  }
}

export class UsageError extends LoreError {
  constructor(message: string, hint?: string) {
    super(message, 'E_USAGE', hint ?? 'see `lore --help`');
  }
}

export class GitError extends LoreError {
  constructor(args: string[], stderr: string) {
    super(`git ${args.slice(0, 3).join(' ')} failed: ${firstLine(stderr)}`, 'E_GIT', 'check that git works in this directory');
  }
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}

export class EmbeddingServiceError extends LoreError {
  constructor(endpoint: string, reason: string) {
    super(`the embedding service at ${endpoint} failed: ${reason}`, 'E_EMBED_SERVICE', 'check LORE_EMBED_URL / LORE_EMBED_MODEL (or unset them to use the offline default)');
  }
}

export class ConfigError extends LoreError {
  constructor(path: string, reason: string) {
    super(`cannot read the config file ${path}: ${reason}`, 'E_CONFIG', 'fix or remove the file; README.md "Privacy" and "Search" show its format');
  }
}

export class SessionNotFoundError extends LoreError {
  constructor(id: string, candidates: string[]) {
    super(
      candidates.length > 1 ? `${id} matches ${candidates.length} sessions` : `no session ${id}`,
      'E_SESSION_NOT_FOUND',
      candidates.length > 1 ? `be more specific: ${candidates.slice(0, 5).join(', ')}` : 'list sessions with `lore sessions`',
    );
  }
}

export class WatcherRunningError extends LoreError {
  constructor(
    readonly pid: number,
    lockPath: string,
  ) {
    super(`another lore watch (pid ${pid}) already watches this database`, 'E_WATCHER_RUNNING', `stop it first (kill ${pid}), or use another database with --db; lock: ${lockPath}`);
  }
}

/**
 * The environment failing under lore (disk full, read-only or failing storage) rather than a bug:
 * a system error from SQLite or Node, turned into one clear line. Each write is one short
 * transaction, so what was stored before the failure is intact and a re-run finishes the rest.
 */
export class StorageError extends LoreError {
  constructor(message: string, code: string, hint: string) {
    super(message, code, hint);
  }

  /** The StorageError for a system error, or undefined when `err` is something else. */
  static from(err: unknown): StorageError | undefined {
    const code = String((err as { code?: unknown })?.code ?? '');
    const detail = (err as Error)?.message ?? '';
    if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'SQLITE_IOERR_WRITE' && /full/i.test(detail)) {
      return new StorageError(
        'the disk is full: lore stopped; what it had stored is intact',
        'E_DISK_FULL',
        'free some space on the disk holding the database (or set LORE_HOME to another disk), then run the command again',
      );
    }
    if (code.startsWith('SQLITE_READONLY') || code === 'EROFS') {
      return new StorageError(`the database cannot be written: ${detail} (${code})`, 'E_READ_ONLY', 'check that the database file and its folder are writable (not on a read-only file system), or set LORE_HOME to use another database');
    }
    if (isDamagedDatabase(err)) return new DamagedDatabaseError(undefined, detail);
    if (code.startsWith('SQLITE_IOERR') || code === 'EIO') {
      return new StorageError(`the disk failed while lore was using the database: ${detail} (${code})`, 'E_IO', 'check the disk; `lore doctor` verifies the database afterwards');
    }
    return undefined;
  }
}

export class HookConflictError extends LoreError {
  constructor(path: string) {
    super(`${path} already exists and is not lore's`, 'E_HOOK_CONFLICT', 'lore\'s hooks need that name: move it away and run `lore hook install` again');
  }
}

/**
 * The database file is damaged (a corrupt page, a broken full-text index): one line that sends the
 * user to `lore doctor`, which checks the whole file and says how to recover.
 */
export class DamagedDatabaseError extends StorageError {
  constructor(path: string | undefined, reason: string) {
    super(`the database${path ? ` at ${path}` : ''} is damaged (${reason}): run \`lore doctor\``, 'E_DATABASE_DAMAGED', '');
  }
}

/** Whether `err` is SQLite finding the database file damaged (not a full disk, not a lock). */
export function isDamagedDatabase(err: unknown): boolean {
  const code = String((err as { code?: unknown })?.code ?? '');
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') return true;
  return code.startsWith('SQLITE_') && /database disk image is malformed|fts5: corruption|vec0.*corrupt/i.test((err as Error)?.message ?? '');
}

export class ExcludedProjectError extends LoreError {
  constructor(project: string, configFile: string) {
    super(`${project} is listed under "excludeProjects": lore stores nothing from it, neither its chats nor its commits`, 'E_EXCLUDED_PROJECT', `to use lore here, remove it from ${configFile}`);
  }
}

export class BadRangeError extends LoreError {
  constructor(what: string, hint: string) {
    super(what, 'E_BAD_RANGE', hint);
  }
}
