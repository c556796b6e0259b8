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
export function tableSizes(db: Db): TableSize[] {
  const names = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%_fts_%' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
  return names.map((name) => ({ name, rows: (db.prepare(`SELECT count(*) AS n FROM "${name.replaceAll('"', '""')}"`).get() as { n: number }).n }));
}
