import { describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/index.js';
import { MMAP_BYTES } from '../../src/db/open.js';
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

  it('maps the file for reading only when the connection asks (the queries), not by default (writers, the watcher)', () => {
    const path = tempDbPath();
    const mapped = openDb(path, { mmap: true });
    const unmapped = openDb(path);
    expect(mapped.pragma('mmap_size', { simple: true })).toBe(MMAP_BYTES);
    expect(unmapped.pragma('mmap_size', { simple: true })).toBe(0);
    mapped.close();
    unmapped.close();
  });
});
