import type BetterSqlite3 from 'better-sqlite3';

/**
 * better-sqlite3's JavaScript as dist/fast.cjs carries it, and the version it was bundled from;
 * undefined here. scripts/build.mjs replaces this module in that bundle only (the ESM chunks and
 * the tests load the installed package): bundled, better-sqlite3's twenty small modules come from
 * the bundle's code cache instead of being resolved, read and compiled on every start
 * (docs/start-up.md). src/db/sqlite.ts uses it only beside the addon of the same version.
 */
export const bundledSqlite: { version: string; load: () => typeof BetterSqlite3 } | undefined = undefined;
