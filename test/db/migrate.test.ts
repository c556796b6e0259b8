import { readFileSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { latestVersion, loadMigrations, migrate, openDb } from '../../src/db/index.js';
import { SEED_SCHEMA } from '../fixtures/paths.mjs';
import { tempDbPath } from '../helpers/temp-db.js';


/** Columns, CHECKs and indexes of the seed tables, as SQLite reports them. */
function seedShape(db: Database.Database) {
  return ['sessions', 'messages', 'relationships', 'learnings'].map((t) => ({
    table: t,
    columns: (db.pragma(`table_xinfo(${t})`) as { name: string; type: string; notnull: number; dflt_value: string | null; pk: number }[])
      .map(({ name, type, notnull, dflt_value, pk }) => ({ name, type, notnull, dflt_value, pk })),
    indexes: (db.pragma(`index_list(${t})`) as { name: string }[]).map((i) => i.name).filter((n) => !n.startsWith('sqlite_autoindex')).sort(),
    checks: ((db.prepare("SELECT sql FROM sqlite_master WHERE name = ?").get(t) as { sql: string }).sql.match(/CHECK \([^)]*\)\)?/g) ?? []),
  }));
}

describe('migrations', () => {
  it('migrates an empty database to the latest version', () => {
    const db = openDb(tempDbPath());
    expect(db.pragma('user_version', { simple: true })).toBe(latestVersion());
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.close();
  });

  it('is a no-op when run again', () => {
    const path = tempDbPath();
    openDb(path).close();
    const db = new Database(path);
    expect(migrate(db)).toEqual([]);
    db.close();
  });

  it('creates the seed tables exactly as seed-schema.sql does, with columns added only after them', () => {
    const seed = new Database(':memory:');
    seed.exec(readFileSync(SEED_SCHEMA, 'utf8'));
    const db = openDb(tempDbPath());
    const expected = seedShape(seed);
    const actual = seedShape(db);
    for (const [i, t] of expected.entries()) {
      const got = actual[i]!;
      expect(got.columns.slice(0, t.columns.length)).toEqual(t.columns);
      expect(got.checks).toEqual(t.checks);
      for (const index of t.indexes) expect(got.indexes).toContain(index);
    }
    db.close();
  });

  it('migrates a database left at every earlier version, keeping its rows', () => {
    const all = loadMigrations();
    for (const m of all.slice(0, -1)) {
      const path = tempDbPath();
      const db = new Database(path);
      migrate(db, all, m.version);
      db.prepare("INSERT INTO sessions (id, project_path) VALUES ('s1', '/p')").run();
      db.prepare("INSERT INTO messages (id, session_id, role, content) VALUES ('m1', 's1', 'user', 'keep me')").run();
      db.close();
      const upgraded = openDb(path);
      expect(upgraded.pragma('user_version', { simple: true })).toBe(latestVersion());
      expect(upgraded.prepare("SELECT content FROM messages WHERE id = 'm1'").get()).toEqual({ content: 'keep me' });
      upgraded.close();
    }
  });

  it('moves commits and their files to integer keys (0011), keeping every row, rowid and cascade', () => {
    const path = tempDbPath();
    const db = new Database(path);
    migrate(db, undefined, 10);
    const commit = db.prepare(
      `INSERT INTO commits (project_path, sha, author_name, author_email, authored_at, committed_at, subject, body, parents, patch_id)
       VALUES (?, ?, 'Ada', 'ada@example.com', 1, ?, ?, '', '', ?)`,
    );
    const file = db.prepare('INSERT INTO commit_files (project_path, sha, path, status, old_path, added, removed) VALUES (?, ?, ?, ?, ?, ?, ?)');
    commit.run('/a', 'a1', 10, 'first', null);
    commit.run('/a', 'gone', 11, 'dropped later', null);
    commit.run('/b', 'a1', 12, 'same sha in another repo', 'p1');
    commit.run('/a', 'a2', 13, 'rename', 'p2');
    db.prepare("DELETE FROM commits WHERE sha = 'gone'").run(); // a gap in the rowids, kept as is
    file.run('/a', 'a1', 'src/x.ts', 'A', null, 3, 0);
    file.run('/b', 'a1', 'src/x.ts', 'M', null, 1, 1);
    file.run('/a', 'a2', 'src/y.ts', 'R', 'src/x.ts', null, null);
    const before = db.prepare('SELECT rowid, project_path, sha FROM commits ORDER BY rowid').all();
    db.close();

    const upgraded = openDb(path);
    expect(upgraded.prepare('SELECT id AS rowid, project_path, sha FROM commits ORDER BY id').all()).toEqual(before);
    expect(
      upgraded
        .prepare('SELECT c.project_path, c.sha, f.path, f.status, f.old_path, f.added, f.removed FROM commit_files f JOIN commits c ON c.id = f.commit_id ORDER BY c.id')
        .all(),
    ).toEqual([
      { project_path: '/a', sha: 'a1', path: 'src/x.ts', status: 'A', old_path: null, added: 3, removed: 0 },
      { project_path: '/b', sha: 'a1', path: 'src/x.ts', status: 'M', old_path: null, added: 1, removed: 1 },
      { project_path: '/a', sha: 'a2', path: 'src/y.ts', status: 'R', old_path: 'src/x.ts', added: null, removed: null },
    ]);
    // The same sha twice in one repo is still refused; deleting a commit still takes its files along.
    expect(() => upgraded.prepare("INSERT INTO commits (project_path, sha, author_name, author_email, authored_at, committed_at, subject, body, parents) VALUES ('/a', 'a1', '', '', 0, 0, '', '', '')").run()).toThrow(/UNIQUE/);
    upgraded.prepare("DELETE FROM commits WHERE project_path = '/a' AND sha = 'a2'").run();
    expect(upgraded.prepare('SELECT count(*) AS n FROM commit_files').get()).toEqual({ n: 2 });
    expect(() => upgraded.prepare("INSERT INTO commit_files (commit_id, path, status) VALUES (999, 'z', 'M')").run()).toThrow(/FOREIGN KEY/);
    expect(upgraded.pragma('foreign_key_check')).toEqual([]);
    upgraded.close();
  });

  it('marks commits Aider printed as the user\'s own work on databases linked before 0013', () => {
    const path = tempDbPath();
    const db = new Database(path);
    const all = loadMigrations();
    const before = all.find((m) => m.name.includes('_link_facts'))!.version - 1;
    migrate(db, all, before);
    const own = 'a1b2c3d' + '0'.repeat(33);
    const ai = 'b1b2c3d' + '0'.repeat(33);
    const other = 'c1b2c3d' + '0'.repeat(33);
    db.prepare("INSERT INTO sessions (id, project_path, source) VALUES ('aider:x', '/p', 'aider')").run();
    db.prepare('INSERT INTO messages (id, session_id, role, content, metadata) VALUES (?, ?, ?, ?, ?)').run('aider:x:L9', 'aider:x', 'tool', '> Commit a1b2c3d', JSON.stringify({ userCommits: [{ sha: 'a1b2c3d', message: 'wip' }], commits: [{ sha: 'b1b2c3d' }] }));
    for (const [sha, links] of [[own, 0], [ai, 2], [other, 0]] as const) db.prepare('INSERT INTO linked_commits (project_path, sha, links) VALUES (?, ?, ?)').run('/p', sha, links);
    db.close();
    const upgraded = openDb(path);
    expect(upgraded.prepare('SELECT sha, user_work FROM linked_commits ORDER BY sha').all()).toEqual([
      { sha: own, user_work: 'aider:' },
      { sha: ai, user_work: null },
      { sha: other, user_work: null },
    ]);
    upgraded.close();
  });

  it('rolls back a failing migration and leaves the version where it was', () => {
    const path = tempDbPath();
    const db = new Database(path);
    const good = loadMigrations();
    const bad = [...good, { version: 9999, name: '9999_bad.sql', sql: 'CREATE TABLE half_done (x); SELECT no_such_function();' }];
    expect(() => migrate(db, bad)).toThrow(/9999_bad\.sql failed and was rolled back/);
    expect(db.pragma('user_version', { simple: true })).toBe(latestVersion(good));
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half_done'").get()).toBeUndefined();
    db.close();
  });

  it('creates the database file private to the user', () => {
    const path = tempDbPath();
    openDb(path).close();
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });
});

describe('migrations run by two processes at once', () => {
  it('apply each migration once when another connection migrates right after this one read the version', () => {
    const path = tempDbPath();
    const a = new Database(path);
    const b = new Database(path);
    const all = loadMigrations();
    // b reads user_version 0; at that very moment a migrates the file (two hook workers racing).
    const pragma = b.pragma.bind(b);
    let raced = false;
    b.pragma = ((source: string, options?: Database.PragmaOptions) => {
      if (!raced && source === 'user_version') {
        raced = true;
        const version = pragma(source, options);
        migrate(a, all);
        return version;
      }
      return pragma(source, options);
    }) as typeof b.pragma;
    expect(migrate(b, all)).toEqual([]);
    expect(raced).toBe(true);
    expect(pragma('user_version', { simple: true })).toBe(latestVersion());
    a.close();
    b.close();
  });
});
