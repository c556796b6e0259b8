import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb, type Db } from '../../src/db/index.js';

/** A path for a database file that does not exist yet, in a fresh temp folder of its own. */
export function tempDbPath(): string {
  return join(mkdtempSync(join(tmpdir(), 'lore-db-')), 'lore.db');
}

/** A fresh, migrated database file in a temp folder of its own: the one way tests get a database. */
export function tempDb(): { db: Db; path: string } {
  const path = tempDbPath();
  return { db: openDb(path), path };
}
