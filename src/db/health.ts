import type { Db } from './open.js';

/** `PRAGMA integrity_check` lines; ['ok'] when healthy. */
export function integrityCheck(db: Db): string[] {
  return (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check);
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export interface TableSize {
  name: string;
  rows: number;
}

/** Row counts of lore's main tables. */
function tableSizes(db: Db): TableSize[] {
  const names = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%_fts_%' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
  return names.map((name) => ({ name, rows: (db.prepare(`SELECT count(*) AS n FROM "${name.replaceAll('"', '""')}"`).get() as { n: number }).n }));
}

export interface SpaceUse {
  name: string;
  /** Bytes of pages the table (with its indexes) uses; null when SQLite has no dbstat table. */
  bytes: number | null;
  rows: number | null;
}

/**
 * What takes the space: bytes per table with its indexes (the dbstat virtual table, when SQLite
 * was built with it), else row counts. FTS and vector shadow tables are summed under their table.
 */
export function spaceUse(db: Db): SpaceUse[] {
  const owner = new Map<string, string>();
  for (const r of db.prepare("SELECT name, tbl_name FROM sqlite_master WHERE type IN ('table', 'index')").all() as { name: string; tbl_name: string }[]) owner.set(r.name, r.tbl_name);
  const virtual = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'").all() as { name: string }[]).map((r) => r.name);
  const group = (name: string): string => {
    const table = owner.get(name) ?? name;
    return virtual.find((v) => table === v || table.startsWith(`${v}_`)) ?? table;
  };
  try {
    const rows = db.prepare('SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name').all() as { name: string; bytes: number }[];
    const sums = new Map<string, number>();
    for (const r of rows) sums.set(group(r.name), (sums.get(group(r.name)) ?? 0) + r.bytes);
    return [...sums].map(([name, bytes]) => ({ name, bytes, rows: null })).sort((a, b) => b.bytes - a.bytes);
  } catch {
    return tableSizes(db)
      .map((t) => ({ name: t.name, bytes: null, rows: t.rows }))
      .sort((a, b) => (b.rows ?? 0) - (a.rows ?? 0));
  }
}

/** Checks the full-text index against its content; undefined when it cannot run (a read-only handle). */
export function searchIndexCheck(db: Db): string | undefined {
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%USING fts5%'").all() as { name: string }[]).map((r) => r.name);
  for (const t of tables) {
    try {
      db.prepare(`INSERT INTO "${t}"("${t}") VALUES ('integrity-check')`).run();
    } catch (err) {
      const message = (err as Error).message;
      if (/readonly|read-only/i.test(message)) return undefined;
      return `${t}: ${message}`;
    }
  }
  return 'ok';
}

/** Rebuilds every full-text index from its content table (after corruption or a VACUUM). */
export function rebuildSearchIndexes(db: Db): string[] {
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%USING fts5%' AND sql LIKE '%content%'").all() as { name: string }[]).map((r) => r.name);
  for (const t of tables) db.prepare(`INSERT INTO "${t}"("${t}") VALUES ('rebuild')`).run();
  return tables;
}
