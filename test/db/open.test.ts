import { describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/index.js';
import { openSqlite } from '../../src/db/sqlite.js';
import { tempDbPath } from '../helpers/temp-db.js';

describe('openDb', () => {
  it('caps the page cache of a connection that asks (the watcher), and leaves the others as built', () => {
    const path = tempDbPath();
    const capped = openDb(path, { cacheKb: 2000 });
    const plain = openDb(path);
    expect(capped.pragma('cache_size', { simple: true })).toBe(-2000);
    const built = openSqlite(':memory:');
    expect(plain.pragma('cache_size', { simple: true })).toBe(built.pragma('cache_size', { simple: true }));
    built.close();
    capped.close();
    plain.close();
  });
});
