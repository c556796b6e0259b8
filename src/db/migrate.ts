import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Database from 'better-sqlite3';
import { MigrationError } from '../errors.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Finds migrations/ by walking up from this module: works from src/ (tests) and dist/ (bundle). */
export function findMigrationsDir(from = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'migrations');
    if (existsSync(join(candidate, '0001_init.sql'))) return candidate;
    if (dirname(dir) === dir) throw new Error(`migrations/ not found above ${from}`);
  }
}

export function loadMigrations(dir = findMigrationsDir()): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: Number(f.slice(0, 4)), name: f, sql: readFileSync(join(dir, f), 'utf8') }));
}

/**
 * Applies, in order, every migration above PRAGMA user_version, each in its own transaction
 * together with the version bump: a failure leaves the database exactly as it was.
 */
export function migrate(db: Database.Database, migrations = loadMigrations(), upTo = Infinity): number[] {
  const current = db.pragma('user_version', { simple: true }) as number;
  const applied: number[] = [];
  for (const m of migrations) {
    if (m.version <= current || m.version > upTo) continue;
    try {
      db.transaction(() => {
        db.exec(m.sql);
        db.pragma(`user_version = ${m.version}`);
      }).immediate();
    } catch (err) {
      throw new MigrationError(m.name, (err as Error).message);
    }
    applied.push(m.version);
  }
  return applied;
}

export function latestVersion(migrations = loadMigrations()): number {
  return migrations.reduce((max, m) => Math.max(max, m.version), 0);
}
