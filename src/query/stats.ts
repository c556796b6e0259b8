import { linesForStats, type Db, type StatsFilter } from '../db/index.js';

/** The `--json` shape of `lore stats`. Documented in docs/json.md; bump `schema` on breaking change. */
export interface StatsResult {
  schema: 'lore.stats/1';
  path: string | null;
  since: string | null;
  /** Added lines of the commits counted, and those AI edits wrote. */
  total: StatsRow;
  byTool: { tool: string; lines: number }[];
  /** Files with AI-written lines, most first. */
  byFile: (StatsRow & { path: string })[];
  /** ISO weeks (their Monday, UTC), oldest first. */
  byWeek: (StatsRow & { week: string })[];
}

export interface StatsRow {
  added: number;
  ai: number;
  byTool: Record<string, number>;
}

/** AI-written lines per tool, per file and per week, from the figures the link stage stored. */
export function stats(db: Db, project: string, filter: StatsFilter): StatsResult {
  const rows = linesForStats(db, project, filter);
  const total = empty();
  const tools = new Map<string, number>();
  const files = new Map<string, StatsRow>();
  const weeks = new Map<string, StatsRow>();
  for (const r of rows) {
    const week = mondayOf(r.committedAt);
    for (const row of [total, at(files, r.path), at(weeks, week)]) {
      if (r.tool === null) row.added += r.lines;
      else {
        row.ai += r.lines;
        row.byTool[r.tool] = (row.byTool[r.tool] ?? 0) + r.lines;
      }
    }
    if (r.tool !== null) tools.set(r.tool, (tools.get(r.tool) ?? 0) + r.lines);
  }
  return {
    schema: 'lore.stats/1',
    path: filter.path ?? null,
    since: filter.since !== undefined ? new Date(filter.since * 1000).toISOString() : null,
    total,
    byTool: [...tools].map(([tool, lines]) => ({ tool, lines })).sort((a, b) => b.lines - a.lines || a.tool.localeCompare(b.tool)),
    byFile: [...files]
      .filter(([, f]) => f.ai > 0)
      .map(([path, f]) => ({ path, ...f }))
      .sort((a, b) => b.ai - a.ai || a.path.localeCompare(b.path)),
    byWeek: [...weeks].map(([week, w]) => ({ week, ...w })).sort((a, b) => a.week.localeCompare(b.week)),
  };
}

function empty(): StatsRow {
  return { added: 0, ai: 0, byTool: {} };
}

function at(map: Map<string, StatsRow>, key: string): StatsRow {
  let row = map.get(key);
  if (!row) map.set(key, (row = empty()));
  return row;
}

/** The Monday (UTC) of the ISO week of `seconds`, as YYYY-MM-DD. */
export function mondayOf(seconds: number): string {
  const d = new Date(seconds * 1000);
  const back = (d.getUTCDay() + 6) % 7;
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - back)).toISOString().slice(0, 10);
}
