import Database from 'better-sqlite3';

/**
 * Every row of every real table, for comparing two databases row for row (not by counts).
 * Virtual tables and their shadow tables (FTS5, vec0) are left out: they are derived, and checked
 * with their own integrity commands instead. `normalize` rewrites values that legitimately differ
 * between two runs (the time a row was written).
 */
export type Rows = Record<string, string[]>;

export interface RowOptions {
  /** Tables to leave out. */
  skip?: string[];
  /** Columns to leave out, per table ('*' for every table). */
  dropColumns?: Record<string, string[]>;
  /** Values within this window of wall-clock time (ISO strings or unix seconds) become '<now>'. */
  since?: number;
}

export function realTables(db: Database.Database): string[] {
  const all = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string; sql: string }[];
  const virtual = all.filter((t) => /CREATE VIRTUAL TABLE/i.test(t.sql)).map((t) => t.name);
  return all.map((t) => t.name).filter((n) => !virtual.includes(n) && !virtual.some((v) => n.startsWith(`${v}_`)));
}

export function tableRows(path: string, options: RowOptions = {}): Rows {
  const db = new Database(path, { readonly: true });
  try {
    return tableRowsOf(db, options);
  } finally {
    db.close();
  }
}

export function tableRowsOf(db: Database.Database, options: RowOptions = {}): Rows {
  const out: Rows = {};
  const now = Date.now();
  const since = options.since;
  const fix = (v: unknown): unknown => {
    if (since === undefined) return v;
    if (typeof v === 'number' && v >= since / 1000 - 5 && v <= now / 1000 + 5) return '<now>';
    if (typeof v === 'string' && /^\d{4}-\d\d-\d\d[T ]\d\d:\d\d/.test(v)) {
      const t = Date.parse(v.includes('T') ? v : `${v.replace(' ', 'T')}Z`);
      if (t >= since - 5000 && t <= now + 5000) return '<now>';
    }
    return v;
  };
  for (const table of realTables(db)) {
    if (options.skip?.includes(table)) continue;
    const drop = [...(options.dropColumns?.['*'] ?? []), ...(options.dropColumns?.[table] ?? [])];
    const rows = db.prepare(`SELECT * FROM "${table}"`).all() as Record<string, unknown>[];
    out[table] = rows
      .map((r) => JSON.stringify(Object.fromEntries(Object.entries(r).filter(([k]) => !drop.includes(k)).map(([k, v]) => [k, Buffer.isBuffer(v) ? v.toString('base64') : fix(v)]))))
      .sort();
  }
  return out;
}

/** PRAGMA integrity_check, foreign_key_check and every FTS5 table's own integrity check. */
export function integrity(path: string): { integrity: string[]; foreignKeys: number; fts: string[] } {
  const db = new Database(path);
  try {
    const integrityRows = (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check);
    const foreignKeys = (db.pragma('foreign_key_check') as unknown[]).length;
    const fts: string[] = [];
    const tables = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql LIKE '%USING fts5%'").all() as { name: string }[];
    for (const t of tables) {
      try {
        db.prepare(`INSERT INTO "${t.name}"("${t.name}") VALUES ('integrity-check')`).run();
      } catch (err) {
        fts.push(`${t.name}: ${(err as Error).message}`);
      }
    }
    return { integrity: integrityRows, foreignKeys, fts };
  } finally {
    db.close();
  }
}
