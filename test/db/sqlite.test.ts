import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBetterSqlite, openSqlite, releaseAddon } from '../../src/db/sqlite.js';

describe('releaseAddon (better-sqlite3 told where its addon is)', () => {
  it('is build/Release/better_sqlite3.node beside the package better-sqlite3 loads from, and null where there is none', () => {
    const pkg = mkdtempSync(join(tmpdir(), 'lore-bs3-'));
    mkdirSync(join(pkg, 'lib'));
    writeFileSync(join(pkg, 'lib', 'index.js'), '');
    // A Debug build (or any other layout) is left to better-sqlite3's own search.
    mkdirSync(join(pkg, 'build', 'Debug'), { recursive: true });
    writeFileSync(join(pkg, 'build', 'Debug', 'better_sqlite3.node'), '');
    expect(releaseAddon(join(pkg, 'lib', 'index.js'))).toBeNull();
    mkdirSync(join(pkg, 'build', 'Release'));
    writeFileSync(join(pkg, 'build', 'Release', 'better_sqlite3.node'), '');
    expect(releaseAddon(join(pkg, 'lib', 'index.js'))).toBe(join(pkg, 'build', 'Release', 'better_sqlite3.node'));
  });

  it('finds the installed addon, which opens a database', () => {
    const main = createRequire(import.meta.url).resolve('better-sqlite3');
    expect(releaseAddon(main)).toMatch(/[\\/]better-sqlite3[\\/]build[\\/]Release[\\/]better_sqlite3\.node$/);
    const db = openSqlite(':memory:');
    expect(db.prepare('SELECT 1 + 1 AS n').get()).toEqual({ n: 2 });
    db.close();
  });
});

describe('loadBetterSqlite (the copy dist/fast.cjs bundles, or the installed package)', () => {
  const installed = createRequire(import.meta.url)('better-sqlite3');
  const addon = releaseAddon(createRequire(import.meta.url).resolve('better-sqlite3'))!;
  const version = (createRequire(import.meta.url)('better-sqlite3/package.json') as { version: string }).version;
  const bundled = (v: string) => ({ version: v, load: () => ({ bundled: v }) as never });

  it('takes the bundled copy only beside an installed addon of the same version', () => {
    expect(loadBetterSqlite(bundled(version), addon)).toEqual({ bundled: version });
  });

  it('takes the installed package when the bundle came from another version, when the addon is elsewhere, and outside the bundle', () => {
    expect(loadBetterSqlite(bundled('0.0.1'), addon)).toBe(installed);
    expect(loadBetterSqlite(bundled(version), null)).toBe(installed);
    expect(loadBetterSqlite(undefined, addon)).toBe(installed);
    // An addon whose package.json cannot be read counts as another version.
    const pkg = mkdtempSync(join(tmpdir(), 'lore-bs3-'));
    mkdirSync(join(pkg, 'build', 'Release'), { recursive: true });
    expect(loadBetterSqlite(bundled(version), join(pkg, 'build', 'Release', 'better_sqlite3.node'))).toBe(installed);
  });
});
