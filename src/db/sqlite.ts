import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';

// Loaded with require, not import: importing a CommonJS package from an ES module makes Node
// scan the package's source for export names first, on every start of every command.
export const Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
export type Database = BetterSqlite3.Database;
