import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { bundledSqlite } from './sqlite-bundled.js';

// Loaded with require, not import: importing a CommonJS package from an ES module makes Node
// scan the package's source for export names first, on every start of every command.
const load = createRequire(import.meta.url);
export type Database = BetterSqlite3.Database;

let addonPath: string | null | undefined;

/**
 * better-sqlite3's compiled addon where its install puts it (a prebuilt binary or node-gyp's
 * Release build, beside the package's own lib/), or null elsewhere (a Debug build, a package laid
 * out otherwise): better-sqlite3 then finds it with the `bindings` package, which tries a dozen
 * paths from a stack trace's file names on every start (docs/start-up.md). `packageMain` is
 * the file better-sqlite3 was loaded from, so this holds wherever npm put it (a clone, npm link,
 * npm install -g).
 */
export function releaseAddon(packageMain: string): string | null {
  const addon = join(dirname(packageMain), '..', 'build', 'Release', 'better_sqlite3.node');
  return existsSync(addon) ? addon : null;
}

function addonFile(): string | null {
  if (addonPath === undefined) {
    try {
      addonPath = releaseAddon(load.resolve('better-sqlite3'));
    } catch {
      addonPath = null;
    }
  }
  return addonPath;
}

/**
 * The bundled copy of better-sqlite3's JavaScript (sqlite-bundled.ts) when the installed package
 * is the version it came from and its addon is where releaseAddon looks (the addon is always
 * named, so the bundled copy never searches for it), else the installed package: a bundle built
 * against one version never drives another version's addon.
 */
export function loadBetterSqlite(bundled = bundledSqlite, addon = addonFile()): typeof BetterSqlite3 {
  if (bundled && addon && installedVersion(addon) === bundled.version) return bundled.load();
  return load('better-sqlite3') as typeof BetterSqlite3;
}

/** The version in the package.json of the package whose build/Release holds `addon`. */
function installedVersion(addon: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(join(dirname(addon), '..', '..', 'package.json'), 'utf8')) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

const Database = loadBetterSqlite();

/** Opens a SQLite file with better-sqlite3 (`new Database(path, options)`), telling it where its addon is. */
export function openSqlite(path: string, options: BetterSqlite3.Options = {}): Database {
  const nativeBinding = addonFile();
  return new Database(path, nativeBinding ? { ...options, nativeBinding } : options);
}
