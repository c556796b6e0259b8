import type { Db } from './open.js';
import { sqlType } from './relationships.js';

/** How one file depends on another (DESIGN.md §2, `code_code` labels). */
export type ImportLabel = 'import' | 'type-import' | 're-export' | 'dynamic-import' | 'require';

/** A module specifier as found in a file, before resolution. */
export interface StoredImport {
  specifier: string;
  kind: ImportLabel;
  line: number;
  /** The construct when the kind alone does not say it: 'declare-module', 'reference', 'import-equals'. */
  statement?: string;
}

export interface CodeFileRow {
  path: string;
  hash: string;
  size: number;
  mtimeMs: number;
  /** null for config files (tsconfig, package.json), whose content steers resolution. */
  imports: StoredImport[] | null;
  parserVersion: number;
}

export interface CodeEdgeRow {
  source: string;
  target: string;
  label: ImportLabel;
  specifiers: string[];
  lines: number[];
  statement?: string;
}

export interface ImportGraphChange {
  upsert: CodeFileRow[];
  /** Files whose size/mtime changed but not their content: only the stat is updated. */
  touch?: { path: string; size: number; mtimeMs: number }[];
  remove: string[];
  /** Files whose outgoing edges are replaced by `edges`; 'all' replaces the project's whole graph. */
  edgesFor: string[] | 'all';
  edges: CodeEdgeRow[];
}

/** A neighbour in the import graph: the file, how far, and the labels of the edges that reach it. */
export interface GraphNeighbor {
  path: string;
  depth: number;
  labels: ImportLabel[];
  /** For depth > 1: the file one step closer to the start through which it is reached. */
  via: string | null;
}

/** Deterministic relationship id: re-running the graph rewrites the same rows. */
function codeEdgeId(projectPath: string, source: string, target: string, label: ImportLabel): string {
  return `code_code:${projectPath}:${source}->${target}:${label}`;
}

export type CodeFileState = Omit<CodeFileRow, 'imports'>;

/** Every file the graph has seen for a project, keyed by repo-relative path (without the specifiers: see storedImports). */
export function loadCodeFiles(db: Db, projectPath: string): Map<string, CodeFileState> {
  const rows = db.prepare('SELECT path, hash, size, mtime_ms, parser_version FROM code_files WHERE project_path = ?').all(projectPath) as {
    path: string;
    hash: string;
    size: number;
    mtime_ms: number;
    parser_version: number;
  }[];
  return new Map(rows.map((r) => [r.path, { path: r.path, hash: r.hash, size: r.size, mtimeMs: r.mtime_ms, parserVersion: r.parser_version }]));
}

/** The stored specifiers of every parsed file of a project (for re-resolving without parsing). */
export function storedImports(db: Db, projectPath: string): Map<string, StoredImport[]> {
  const rows = db.prepare('SELECT path, imports FROM code_files WHERE project_path = ? AND imports IS NOT NULL').all(projectPath) as { path: string; imports: string }[];
  return new Map(rows.map((r) => [r.path, JSON.parse(r.imports) as StoredImport[]]));
}

/**
 * Applies one run of the import graph in a single immediate transaction: file rows upserted or
 * removed, and the outgoing `code_code` edges of the re-resolved files replaced.
 */
export function saveImportGraph(db: Db, projectPath: string, change: ImportGraphChange): void {
  const now = new Date().toISOString();
  const upsert = db.prepare(
    `INSERT INTO code_files (project_path, path, hash, size, mtime_ms, imports, parser_version, parsed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT(project_path, path) DO UPDATE SET hash = excluded.hash, size = excluded.size, mtime_ms = excluded.mtime_ms,
       imports = excluded.imports, parser_version = excluded.parser_version, parsed_at = excluded.parsed_at`,
  );
  const touch = db.prepare('UPDATE code_files SET size = ?, mtime_ms = ? WHERE project_path = ? AND path = ?');
  const removeFile = db.prepare('DELETE FROM code_files WHERE project_path = ? AND path = ?');
  const removeEdges = db.prepare(`DELETE FROM relationships WHERE project_path = ? AND type = ${sqlType('code_code')} AND source_path = ?`);
  const insertEdge = db.prepare(
    `INSERT OR REPLACE INTO relationships (id, session_id, type, source_path, target_path, label, created_at, metadata, project_path)
     VALUES (?, NULL, ${sqlType('code_code')}, ?, ?, ?, ?, ?, ?)`,
  );
  db.transaction(() => {
    for (const f of change.upsert) {
      upsert.run(projectPath, f.path, f.hash, f.size, f.mtimeMs, f.imports === null ? null : JSON.stringify(f.imports), f.parserVersion, now);
    }
    for (const f of change.touch ?? []) touch.run(f.size, f.mtimeMs, projectPath, f.path);
    for (const path of change.remove) {
      removeFile.run(projectPath, path);
      removeEdges.run(projectPath, path);
    }
    if (change.edgesFor === 'all') db.prepare(`DELETE FROM relationships WHERE project_path = ? AND type = ${sqlType('code_code')}`).run(projectPath);
    else for (const path of change.edgesFor) removeEdges.run(projectPath, path);
    for (const e of change.edges) {
      const metadata = {
        evidence: 'typescript-module-resolution',
        confidence: 1,
        specifiers: e.specifiers,
        lines: e.lines,
        ...(e.statement ? { statement: e.statement } : {}),
      };
      insertEdge.run(codeEdgeId(projectPath, e.source, e.target, e.label), e.source, e.target, e.label, now, JSON.stringify(metadata), projectPath);
    }
  }).immediate();
}

/** True once the import graph has been built for the project (by `lore index`, `init` or `related`). */
export function hasImportGraph(db: Db, projectPath: string): boolean {
  return db.prepare('SELECT 1 FROM code_files WHERE project_path = ? LIMIT 1').get(projectPath) !== undefined;
}

/** The work-tree stamp (src/git workTreeStamp) the project's graph was last refreshed at. */
export function graphStamp(db: Db, projectPath: string): string | undefined {
  return (db.prepare('SELECT stamp FROM code_graph_state WHERE project_path = ?').get(projectPath) as { stamp: string } | undefined)?.stamp;
}

export function setGraphStamp(db: Db, projectPath: string, stamp: string | undefined): void {
  if (stamp === undefined) db.prepare('DELETE FROM code_graph_state WHERE project_path = ?').run(projectPath);
  else
    db.prepare('INSERT INTO code_graph_state (project_path, stamp, updated_at) VALUES (?, ?, ?) ON CONFLICT(project_path) DO UPDATE SET stamp = excluded.stamp, updated_at = excluded.updated_at').run(
      projectPath,
      stamp,
      new Date().toISOString(),
    );
}

/** Files `path` imports directly, with the labels of its edges to each. */
export function importsOf(db: Db, projectPath: string, path: string): GraphNeighbor[] {
  return walkImportGraph(db, projectPath, path, 'imports', 1);
}

/** Files that import `path` directly, with the labels of their edges to it. */
export function importersOf(db: Db, projectPath: string, path: string): GraphNeighbor[] {
  return walkImportGraph(db, projectPath, path, 'importers', 1);
}

/**
 * Breadth-first walk from `path` along imports (what it depends on) or importers (what depends
 * on it), up to `depth` steps; each file appears once, at its shortest distance. Cycles end the
 * walk where they close. Sorted by depth, then path.
 */
export function walkImportGraph(db: Db, projectPath: string, path: string, direction: 'imports' | 'importers', depth: number): GraphNeighbor[] {
  const stmt =
    direction === 'imports'
      ? db.prepare(`SELECT target_path AS path, label FROM relationships WHERE project_path = ? AND type = ${sqlType('code_code')} AND source_path = ?`)
      : db.prepare(`SELECT source_path AS path, label FROM relationships WHERE project_path = ? AND type = ${sqlType('code_code')} AND target_path = ?`);
  const found = new Map<string, GraphNeighbor>();
  let frontier = [path];
  for (let level = 1; level <= depth && frontier.length > 0; level++) {
    const next: string[] = [];
    for (const from of frontier) {
      for (const row of stmt.all(projectPath, from) as { path: string; label: ImportLabel }[]) {
        if (row.path === path) continue;
        const seen = found.get(row.path);
        if (seen) {
          if (seen.depth === level && !seen.labels.includes(row.label)) seen.labels.push(row.label);
          continue;
        }
        found.set(row.path, { path: row.path, depth: level, labels: [row.label], via: level === 1 ? null : from });
        next.push(row.path);
      }
    }
    frontier = next;
  }
  return [...found.values()]
    .map((n) => ({ ...n, labels: n.labels.sort() }))
    .sort((a, b) => a.depth - b.depth || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export interface CoChange {
  path: string;
  /** Commits that changed both files. */
  commits: number;
}

/**
 * Files changed in the same commits as `path`, most shared commits first, with the number of
 * commits that touched `path`. Commits touching more than `maxCommitFiles` files (mass renames,
 * formatting, initial imports) say little about coupling and are left out of the pairs (counted
 * in `largeCommits`), as code-maat does.
 */
/**
 * Files changed in the same commits as `path`. `path` may list every name the file had (they are
 * not counted as its neighbours), and `options.commits` the file's commits (shas) as `lore why`
 * lists them, across renames and within HEAD's history; by default, every commit of `path`.
 */
export function coChangedFiles(
  db: Db,
  projectPath: string,
  path: string | string[],
  options: { limit?: number; maxCommitFiles?: number; commits?: string[] } = {},
): { files: CoChange[]; commits: number; largeCommits: number } {
  const names = typeof path === 'string' ? [path] : path;
  const mine = options.commits
    ? `SELECT c.id FROM json_each(@shas) j JOIN commits c ON c.sha = j.value AND c.project_path = @project`
    : `SELECT f.commit_id AS id FROM commit_files f JOIN commits c ON c.id = f.commit_id WHERE f.path = @path AND c.project_path = @project`;
  const small = `WITH mine AS (${mine}),
    sized AS (SELECT m.id, count(*) AS n FROM mine m JOIN commit_files c ON c.commit_id = m.id GROUP BY m.id),
    small AS (SELECT id FROM sized WHERE n <= @max)`;
  const params = { project: projectPath, path: names[0], names: JSON.stringify(names), shas: JSON.stringify(options.commits ?? []), max: options.maxCommitFiles ?? 50, limit: options.limit ?? 20 };
  const counts = db.prepare(`${small} SELECT count(*) AS commits, coalesce(sum(n > @max), 0) AS large FROM sized`).get(params) as { commits: number; large: number };
  const files = db
    .prepare(
      `${small} SELECT o.path AS path, count(*) AS commits FROM small s
         JOIN commit_files o ON o.commit_id = s.id AND o.path NOT IN (SELECT value FROM json_each(@names))
        GROUP BY o.path ORDER BY commits DESC, o.path LIMIT @limit`,
    )
    .all(params) as CoChange[];
  return { files, commits: counts.commits, largeCommits: counts.large };
}

export interface SameRequestFile {
  path: string;
  /** Distinct requests (human prompts) that edited both files. */
  requests: number;
  /** Their message ids (the `msg:` nodes of DESIGN.md §2, without the prefix). */
  requestIds: string[];
}

/**
 * Files edited by tool calls answering the same requests as edits of `path` (file_edits.request_id);
 * `path` may list every name the file had.
 */
export function sameRequestFiles(db: Db, projectPath: string, path: string | string[], options: { limit?: number } = {}): SameRequestFile[] {
  const names = JSON.stringify(typeof path === 'string' ? [path] : path);
  const rows = db
    .prepare(
      `SELECT o.path AS path, count(DISTINCT o.request_id) AS requests, group_concat(DISTINCT o.request_id) AS ids
         FROM file_edits f
         JOIN file_edits o ON o.request_id = f.request_id AND o.project_path = f.project_path AND o.path NOT IN (SELECT value FROM json_each(?))
        WHERE f.project_path = ? AND f.path IN (SELECT value FROM json_each(?)) AND f.request_id IS NOT NULL
        GROUP BY o.path ORDER BY requests DESC, o.path LIMIT ?`,
    )
    .all(names, projectPath, names, options.limit ?? 20) as { path: string; requests: number; ids: string }[];
  return rows.map((r) => ({ path: r.path, requests: r.requests, requestIds: r.ids.split(',').sort() }));
}

/** Requests (distinct request_id) whose edits touched `path` (or any of the names it lists). */
export function countRequestsEditing(db: Db, projectPath: string, path: string | string[]): number {
  const names = JSON.stringify(typeof path === 'string' ? [path] : path);
  const row = db
    .prepare('SELECT count(DISTINCT request_id) AS n FROM file_edits WHERE project_path = ? AND path IN (SELECT value FROM json_each(?)) AND request_id IS NOT NULL')
    .get(projectPath, names) as { n: number };
  return row.n;
}

export interface ImportGraphStats {
  files: number;
  edges: number;
  parsedAt: string | null;
}

export function importGraphStats(db: Db, projectPath: string): ImportGraphStats {
  const files = db.prepare('SELECT count(*) AS n, max(parsed_at) AS at FROM code_files WHERE project_path = ? AND imports IS NOT NULL').get(projectPath) as {
    n: number;
    at: string | null;
  };
  const edges = db.prepare(`SELECT count(*) AS n FROM relationships WHERE project_path = ? AND type = ${sqlType('code_code')}`).get(projectPath) as { n: number };
  return { files: files.n, edges: edges.n, parsedAt: files.at };
}
