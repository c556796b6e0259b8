import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { latestVersion, loadMigrations, migrate, migrationBackups, openDb, type Migration } from '../../src/db/index.js';
import { runCli } from '../helpers/cli.js';
import { integrity, realTables, tableRowsOf } from '../helpers/db-rows.js';
import { commit, gitRepo } from '../helpers/git-repo.js';
import { tempDbPath } from '../helpers/temp-db.js';

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** Values every CHECK (x IN (...)) accepts, from the table's CREATE statement. */
function allowedValues(sql: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const m of sql.matchAll(/(\w+)\s+[A-Z]+[^,]*?CHECK\s*\(\s*(\w+)\s+IN\s*\(([^)]*)\)\s*\)/gi)) {
    out.set(m[2]!, [...m[3]!.matchAll(/'([^']*)'/g)].map((v) => v[1]!));
  }
  return out;
}

/**
 * Fills every real table with `n` rows of plausible values (types, CHECK lists and NOT NULL
 * respected), so a migration has data to keep. Foreign keys are off while filling, but a foreign
 * key column takes the value its parent's column has in the same row number, so rows join as
 * real ones do (a migration that re-keys a child table by its parent must keep them).
 */
function fill(db: Database.Database, n: number): void {
  db.pragma('foreign_keys = OFF');
  const value = (table: string, column: string, i: number): unknown => {
    const fk = (db.pragma(`foreign_key_list("${table}")`) as { table: string; from: string; to: string | null }[]).find((f) => f.from === column);
    if (fk?.to) return value(fk.table, fk.to, i);
    const sql = (db.prepare('SELECT sql FROM sqlite_master WHERE name = ?').get(table) as { sql: string }).sql;
    const choices = allowedValues(sql).get(column);
    if (choices) return choices[i % choices.length]!;
    const type = (db.pragma(`table_xinfo("${table}")`) as { name: string; type: string }[]).find((c) => c.name === column)!.type.toUpperCase();
    if (type.includes('INT')) return 1000 + i;
    if (type.includes('REAL') || type.includes('FLOA')) return 0.5;
    if (type.includes('JSON')) return JSON.stringify({ kind: 'prompt', n: i });
    if (type.includes('BLOB')) return Buffer.from([i, 1, 2]);
    if (type.includes('TIMESTAMP')) return `2026-01-0${(i % 9) + 1}T00:00:00.000Z`;
    return `${table}-${column}-${i}`;
  };
  for (const table of realTables(db)) {
    const cols = (db.pragma(`table_xinfo("${table}")`) as { name: string; hidden: number }[]).filter((c) => c.hidden === 0);
    for (let i = 0; i < n; i++) {
      db.prepare(`INSERT INTO "${table}" (${cols.map((c) => `"${c.name}"`).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`).run(
        ...cols.map((c) => value(table, c.name, i)),
      );
    }
  }
}

/**
 * Tables a migration re-keyed, read back in the shape they had before it: 0011 replaced
 * commit_files' (project_path, sha) by the commit's id.
 */
const asBefore: Record<string, string> = {
  commit_files: 'SELECT c.project_path, c.sha, f.* FROM commit_files f JOIN commits c ON c.id = f.commit_id',
};

function rowsAsBefore(db: Database.Database, before: Record<string, string[]>): Record<string, string[]> {
  const after = tableRowsOf(db);
  for (const [table, query] of Object.entries(asBefore)) {
    const keys = before[table]?.[0] ? Object.keys(JSON.parse(before[table][0]) as object) : [];
    const columns = (db.pragma(`table_xinfo("${table}")`) as { name: string }[]).map((c) => c.name);
    if (keys.every((k) => columns.includes(k))) continue; // still in its old shape
    after[table] = (db.prepare(query).all() as Record<string, unknown>[]).map((r) => JSON.stringify(r)).sort();
  }
  return after;
}

/** Each row projected on the columns it had before the migration (later ones only add columns). */
function project(before: Record<string, string[]>, after: Record<string, string[]>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [table, rows] of Object.entries(before)) {
    const keys = rows[0] ? Object.keys(JSON.parse(rows[0]) as object) : [];
    out[table] = (after[table] ?? []).map((r) => JSON.stringify(Object.fromEntries(keys.map((k) => [k, (JSON.parse(r) as Record<string, unknown>)[k]])))).sort();
  }
  return out;
}

describe('migrations keep every row', () => {
  const all = loadMigrations();
  const earlier = [0, ...all.slice(0, -1).map((m) => m.version)];

  for (const version of earlier) {
    it(`migrates a filled database at version ${version} to ${latestVersion()} with every row kept`, () => {
      const path = tempDbPath();
      const raw = new Database(path);
      raw.pragma('journal_mode = WAL');
      migrate(raw, all, version);
      fill(raw, 5);
      const before = tableRowsOf(raw);
      raw.close();

      const db = openDb(path);
      expect(db.pragma('user_version', { simple: true })).toBe(latestVersion());
      const after = rowsAsBefore(db, before);
      db.close();
      expect(project(before, after)).toEqual(before);
      const rowsBefore = Object.values(before).reduce((a, r) => a + r.length, 0);
      expect(rowsBefore).toBe(version === 0 ? 0 : Object.keys(before).length * 5);
      const check = integrity(path);
      expect(check).toEqual({ integrity: ['ok'], foreignKeys: check.foreignKeys, fts: [] });
    });
  }
});

describe('a migration that rewrites a table', () => {
  const rewrite: Migration = {
    version: 9000,
    name: '9000_rewrite_learnings.sql',
    rewritesTable: true,
    sql: `-- lore:rewrites-table
CREATE TABLE learnings_new AS SELECT * FROM learnings;
DROP TABLE learnings;
ALTER TABLE learnings_new RENAME TO learnings;`,
  };

  it('recognises the marker in a migration file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lore-migs-'));
    writeFileSync(join(dir, '0001_init.sql'), 'CREATE TABLE a (x);');
    writeFileSync(join(dir, '0002_rewrite.sql'), '-- why: change a column\n-- lore:rewrites-table\nCREATE TABLE b (x);');
    expect(loadMigrations(dir).map((m) => [m.name, m.rewritesTable])).toEqual([
      ['0001_init.sql', false],
      ['0002_rewrite.sql', true],
    ]);
  });

  it('is preceded by a private backup holding the data as it was', () => {
    const path = tempDbPath();
    const db = openDb(path);
    db.prepare("INSERT INTO learnings (id, category, content) VALUES ('l1', 'gotcha', 'WAL first')").run();
    const backups: string[] = [];
    migrate(db, [...loadMigrations(), rewrite], Infinity, { onBackup: (p) => backups.push(p), now: () => new Date('2026-03-04T05:06:07.890Z') });
    db.close();
    expect(backups).toEqual([`${path}.before-9000_rewrite_learnings-20260304T050607Z.bak`]);
    expect(statSync(backups[0]!).mode & 0o777).toBe(0o600);
    // What `lore doctor` lists: this database's backups only, not another database's beside it.
    writeFileSync(join(path, '..', 'other.db.before-9000_rewrite_learnings-20260304T050607Z.bak'), '');
    expect(migrationBackups(path)).toEqual(backups);
    const copy = new Database(backups[0]!, { readonly: true });
    expect(copy.pragma('user_version', { simple: true })).toBe(latestVersion());
    expect(copy.prepare('SELECT id, content FROM learnings').all()).toEqual([{ id: 'l1', content: 'WAL first' }]);
    copy.close();
  });

  it('uses the backup another process took of the same migration in the same second, not failing on it', () => {
    const path = tempDbPath();
    const db = openDb(path);
    db.prepare("INSERT INTO learnings (id, category, content) VALUES ('l1', 'gotcha', 'WAL first')").run();
    const now = () => new Date('2026-03-04T05:06:07.890Z');
    const theirs = `${path}.before-9000_rewrite_learnings-20260304T050607Z.bak`;
    db.prepare('VACUUM INTO ?').run(theirs); // VACUUM INTO refuses an existing file: without the check, migrate would throw
    const backups: string[] = [];
    expect(migrate(db, [...loadMigrations(), rewrite], Infinity, { onBackup: (p) => backups.push(p), now })).toEqual([9000]);
    db.close();
    expect(backups).toEqual([theirs]);
    expect(statSync(theirs).mode & 0o777).toBe(0o600);
    const copy = new Database(theirs, { readonly: true });
    expect(copy.prepare('SELECT id, content FROM learnings').all()).toEqual([{ id: 'l1', content: 'WAL first' }]);
    copy.close();
  });

  it('keeps no copy taken after another process applied the migration as its backup', () => {
    const path = tempDbPath();
    openDb(path).close();
    const db = new Database(path);
    const other = new Database(path);
    // Another process applies the migration between this one's version check and its copy.
    const now = () => {
      migrate(other, [...loadMigrations(), rewrite]);
      return new Date('2026-03-04T05:06:07.890Z');
    };
    expect(migrate(db, [...loadMigrations(), rewrite], Infinity, { now })).toEqual([]);
    other.close();
    db.close();
    // The other process's own backup stays, taken before it migrated; this one's copy, made after, is dropped.
    expect(existsSync(`${path}.before-9000_rewrite_learnings-20260304T050607Z.bak`)).toBe(false);
    const backups = migrationBackups(path);
    expect(backups).toHaveLength(1);
    const copy = new Database(backups[0]!, { readonly: true });
    expect(copy.pragma('user_version', { simple: true })).toBe(latestVersion());
    copy.close();
    expect(readdirSync(join(path, '..')).filter((n) => n.endsWith('.partial'))).toEqual([]);
  });

  it('takes no backup of a new database, which has nothing to lose', () => {
    const path = tempDbPath();
    const backups: string[] = [];
    const raw = new Database(path);
    migrate(raw, [...loadMigrations(), rewrite], Infinity, { onBackup: (p) => backups.push(p) });
    raw.close();
    expect(loadMigrations().some((m) => m.rewritesTable)).toBe(true);
    expect(backups).toEqual([]);
    expect(readdirSync(join(path, '..')).filter((f) => f.endsWith('.bak'))).toEqual([]);
  });

  it('takes no backup for migrations that only add', () => {
    const path = tempDbPath();
    const raw = new Database(path);
    const adding = loadMigrations().filter((m) => !m.rewritesTable);
    migrate(raw, adding, 1);
    const backups: string[] = [];
    migrate(raw, adding, Infinity, { onBackup: (p) => backups.push(p) });
    expect(raw.pragma('user_version', { simple: true })).toBe(latestVersion(adding));
    raw.close();
    expect(backups).toEqual([]);
    expect(readdirSync(join(path, '..')).filter((f) => f.endsWith('.bak'))).toEqual([]);
  });

  it('fails midway, rolls back, names the backup, and leaves the database usable', () => {
    const path = tempDbPath();
    const db = openDb(path);
    db.prepare("INSERT INTO learnings (id, category, content) VALUES ('l1', 'gotcha', 'keep me')").run();
    const broken: Migration = { ...rewrite, sql: `${rewrite.sql}\nSELECT no_such_function();` };
    let message = '';
    try {
      migrate(db, [...loadMigrations(), broken]);
    } catch (err) {
      message = `${(err as Error).message} ${(err as { hint?: string }).hint}`;
    }
    expect(message).toMatch(/9000_rewrite_learnings\.sql failed and was rolled back; the database is unchanged/);
    expect(message).toMatch(/a copy from before the migration is at .*\.bak/);
    expect(db.pragma('user_version', { simple: true })).toBe(latestVersion());
    expect(db.prepare('SELECT content FROM learnings').all()).toEqual([{ content: 'keep me' }]);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'learnings_new'").get()).toEqual({ n: 0 });
    db.close();
  });
});

describe('the CLI and migrations', () => {
  /** A copy of the built CLI with one more migration, which fails halfway through. */
  function cliWithBrokenMigration(): string {
    const root = mkdtempSync(join(tmpdir(), 'lore-cli-copy-'));
    cpSync(resolve('dist'), join(root, 'dist'), { recursive: true });
    cpSync(resolve('migrations'), join(root, 'migrations'), { recursive: true });
    cpSync(resolve('hooks'), join(root, 'hooks'), { recursive: true });
    symlinkSync(resolve('node_modules'), join(root, 'node_modules'));
    writeFileSync(join(root, 'package.json'), readFileSync('package.json'));
    writeFileSync(join(root, 'migrations', '9999_half_done.sql'), 'CREATE TABLE half_done (x);\nINSERT INTO half_done VALUES (1);\nSELECT no_such_function();\n');
    return join(root, 'dist', 'cli.cjs');
  }

  it('reports a failed migration with exit 2, and the database still works with this lore', () => {
    const repo = gitRepo({ 'a.txt': 'one\n' });
    commit(repo, { 'b.txt': 'two\n' }, 'add b');
    const env = { LORE_HOME: mkdtempSync(join(tmpdir(), 'lore-home-')) };
    expect(runCli(['index', '--wait', '-q'], { cwd: repo, env }).code).toBe(0);
    const dbPath = join(env.LORE_HOME, 'lore.db');
    const before = tableRowsOf(new Database(dbPath, { readonly: true }));

    const broken = cliWithBrokenMigration();
    const r = runCli(['why', 'a.txt'], { cwd: repo, env, cli: broken });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/migration 9999_half_done\.sql failed and was rolled back; the database is unchanged/);
    expect(r.stderr).toMatch(/hint: please report this/);

    const after = new Database(dbPath, { readonly: true });
    expect(after.pragma('user_version', { simple: true })).toBe(latestVersion());
    expect(after.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'half_done'").get()).toEqual({ n: 0 });
    expect(tableRowsOf(after)).toEqual(before);
    after.close();
    const ok = runCli(['why', 'b.txt', '--json'], { cwd: repo, env });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('add b');
  });

  it('refuses a database from a newer lore and leaves it byte for byte', () => {
    const repo = gitRepo({ 'a.txt': 'one\n' });
    const env = { LORE_HOME: mkdtempSync(join(tmpdir(), 'lore-home-')) };
    mkdirSync(env.LORE_HOME, { recursive: true });
    const dbPath = join(env.LORE_HOME, 'lore.db');
    const db = openDb(dbPath);
    db.pragma(`user_version = ${latestVersion() + 50}`);
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    const hash = sha256(dbPath);
    const r = runCli(['index'], { cwd: repo, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`schema version ${latestVersion() + 50}, newer than this lore knows \\(${latestVersion()}\\)`));
    expect(sha256(dbPath)).toBe(hash);
    expect(existsSync(`${dbPath}-wal`) ? statSync(`${dbPath}-wal`).size : 0).toBe(0);
  });
});

/**
 * Opens the database at `path` from eight processes at one agreed instant (each calls openDb(),
 * which migrates), and returns each one's exit code and first error line.
 */
async function openAtOnce(path: string): Promise<string[]> {
  const { spawn } = await import('node:child_process');
  const { build } = await import('esbuild');
  // A bundle of the db module, so child processes can call openDb() at an agreed instant.
  const dir = mkdtempSync(join(tmpdir(), 'lore-race-'));
  await build({ entryPoints: [resolve('src/db/index.ts')], outfile: join(dir, 'db.mjs'), bundle: true, format: 'esm', platform: 'node', external: ['better-sqlite3', 'sqlite-vec'], logLevel: 'error' });
  symlinkSync(resolve('node_modules'), join(dir, 'node_modules'));
  cpSync(resolve('migrations'), join(dir, 'migrations'), { recursive: true });
  const at = Date.now() + 2500;
  const child = `const { openDb } = await import(${JSON.stringify(join(dir, 'db.mjs'))}); while (Date.now() < ${at}); openDb(${JSON.stringify(path)}).close();`;
  return Promise.all(
    Array.from({ length: 8 }, () =>
      new Promise<string>((done) => {
        const p = spawn(process.execPath, ['--input-type=module', '-e', child], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
        let err = '';
        p.stderr.on('data', (d: Buffer) => (err += d.toString()));
        p.on('exit', (c) => done(`${c} ${err.split('\n').find((l) => /Error/.test(l)) ?? ''}`.trim()));
      }),
    ),
  );
}

describe('migrations under concurrency', () => {
  it('migrates a fresh database once when several processes open it at the same moment', async () => {
    const path = tempDbPath();
    expect(await openAtOnce(path)).toEqual(Array(8).fill('0'));
    const db = new Database(path, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(latestVersion());
    db.close();
  });

  it('upgrades through a table-rewriting migration once, with one backup, when several processes open it at once', async () => {
    const path = tempDbPath();
    const rewriting = loadMigrations().find((m) => m.rewritesTable)!;
    const old = new Database(path);
    migrate(old, undefined, rewriting.version - 1);
    fill(old, 5);
    // Large enough that taking the backup takes a while, as on a user's database.
    old.exec('CREATE TABLE pad (x); INSERT INTO pad VALUES (randomblob(4000000));');
    old.close();
    // Every process finds the backup missing and takes it in the same second, under the same name.
    expect(await openAtOnce(path)).toEqual(Array(8).fill('0'));
    const db = new Database(path, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(latestVersion());
    db.close();
    const backups = migrationBackups(path);
    expect(backups.length).toBeGreaterThanOrEqual(1);
    for (const b of backups) expect(new Database(b, { readonly: true }).pragma('user_version', { simple: true })).toBe(rewriting.version - 1);
    expect(readdirSync(join(path, '..')).filter((n) => n.endsWith('.partial'))).toEqual([]);
  });
});
