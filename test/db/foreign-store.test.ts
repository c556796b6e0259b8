import { mkdtempSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { ForeignStoreError, openForeignStore } from '../../src/db/index.js';

const open: Database.Database[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

function makeStore(journal: 'delete' | 'wal' = 'delete'): string {
  const dir = mkdtempSync(join(tmpdir(), 'lore-foreign-'));
  const path = join(dir, 'state.vscdb');
  const db = new Database(path);
  db.pragma(`journal_mode = ${journal}`);
  db.exec("CREATE TABLE ItemTable (key TEXT UNIQUE ON CONFLICT REPLACE, value BLOB); INSERT INTO ItemTable VALUES ('a', '1'), ('b', '2');");
  open.push(db);
  return path;
}

describe('openForeignStore', () => {
  it('reads tables, columns and rows of a store without changing its bytes', () => {
    const path = makeStore();
    const before = readFileSync(path);
    const store = openForeignStore(path);
    expect(store.tables()).toEqual(['ItemTable']);
    expect(store.columns('ItemTable')).toEqual(['key', 'value']);
    expect(store.all<{ key: string }>('SELECT key FROM ItemTable ORDER BY key')).toEqual([{ key: 'a' }, { key: 'b' }]);
    expect(store.isSnapshot).toBe(false);
    store.close();
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('reads the committed rows from a snapshot while another connection holds a write transaction', () => {
    const path = makeStore();
    const writer = open[0]!;
    writer.exec('BEGIN EXCLUSIVE');
    writer.exec("INSERT INTO ItemTable VALUES ('c', '3')");
    const store = openForeignStore(path, { busyTimeoutMs: 50 });
    expect(store.all<{ key: string }>('SELECT key FROM ItemTable ORDER BY key').map((r) => r.key)).toEqual(['a', 'b']);
    expect(store.isSnapshot).toBe(true);
    store.close();
    // The writer was never blocked by us.
    writer.exec('COMMIT');
    expect(writer.prepare('SELECT count(*) AS n FROM ItemTable').get()).toEqual({ n: 3 });
  });

  it('reports a busy store too large to snapshot as locked', () => {
    const path = makeStore();
    open[0]!.exec('BEGIN EXCLUSIVE');
    open[0]!.exec("INSERT INTO ItemTable VALUES ('c', '3')");
    const err = (() => {
      try {
        openForeignStore(path, { busyTimeoutMs: 50, maxSnapshotBytes: 10 }).all('SELECT * FROM ItemTable');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ForeignStoreError);
    expect((err as ForeignStoreError).problem).toBe('locked');
  });

  it('reads a WAL store including rows not yet checkpointed', () => {
    const path = makeStore('wal');
    open[0]!.exec("INSERT INTO ItemTable VALUES ('w', 'in-wal')");
    expect(existsSync(`${path}-wal`)).toBe(true);
    const store = openForeignStore(path);
    expect(store.all('SELECT value FROM ItemTable WHERE key = ?', ['w'])).toEqual([{ value: 'in-wal' }]);
    store.close();
  });

  it('reports a file that is not SQLite as corrupt and a missing one as missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lore-foreign-'));
    writeFileSync(join(dir, 'bad.db'), 'this is not a database, just text that is long enough to have a header'.repeat(20));
    expect(() => openForeignStore(join(dir, 'bad.db'))).toThrow(expect.objectContaining({ problem: 'corrupt' }));
    expect(() => openForeignStore(join(dir, 'none.db'))).toThrow(expect.objectContaining({ problem: 'missing' }));
  });
});
