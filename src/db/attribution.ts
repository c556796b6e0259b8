import { sqlType } from './relationships.js';
import type { Db } from './open.js';

/**
 * What `lore why`, `lore pr` and `lore stats` read of the AI-written lines the link stage counted
 * (commit_ai_lines, migration 0015), beside the commits' own added lines (commit_files.added).
 */

export interface AiLinesOfFile {
  sha: string;
  path: string;
  tool: string;
  lines: number;
}

/** AI-written lines stored for any of `paths` (every commit that changed them). */
export function aiLinesForPaths(db: Db, project: string, paths: string[]): AiLinesOfFile[] {
  if (paths.length === 0) return [];
  const marks = paths.map(() => '?').join(',');
  return db
    .prepare(`SELECT sha, path, tool, lines FROM commit_ai_lines WHERE project_path = ? AND path IN (${marks})`)
    .all(project, ...paths) as AiLinesOfFile[];
}

/** A commit of a range as `lore pr` reads it: the stored commit, its files' added lines, its AI lines. */
export interface RangeCommit {
  sha: string;
  subject: string;
  author: string;
  committedAt: number;
  merge: boolean;
  files: { path: string; added: number | null; removed: number | null }[];
  aiLines: AiLinesOfFile[];
  aiTool: string | null;
  userWork: string | null;
  /** False for a commit linked before AI lines were counted (its figure is unknown). */
  counted: boolean;
}

/** The stored commits of `shas` (unknown ones left out), in the order given. */
export function rangeCommits(db: Db, project: string, shas: string[]): RangeCommit[] {
  const commit = db.prepare(
    `SELECT c.id, c.sha, c.subject, c.author_name, c.committed_at, c.parents, l.ai_tool, l.user_work, l.ai_counted, l.sha AS linked
       FROM commits c LEFT JOIN linked_commits l ON l.project_path = c.project_path AND l.sha = c.sha WHERE c.project_path = ? AND c.sha = ?`,
  );
  const files = db.prepare('SELECT path, added, removed FROM commit_files WHERE commit_id = ? ORDER BY path');
  const ai = db.prepare('SELECT sha, path, tool, lines FROM commit_ai_lines WHERE project_path = ? AND sha = ? ORDER BY path, tool');
  const out: RangeCommit[] = [];
  for (const sha of shas) {
    const c = commit.get(project, sha) as
      | { id: number; sha: string; subject: string; author_name: string; committed_at: number; parents: string; ai_tool: string | null; user_work: string | null; ai_counted: number | null; linked: string | null }
      | undefined;
    if (!c) continue;
    out.push({
      sha: c.sha,
      subject: c.subject,
      author: c.author_name,
      committedAt: c.committed_at,
      merge: c.parents.includes(' '),
      files: files.all(c.id) as RangeCommit['files'],
      aiLines: ai.all(project, sha) as AiLinesOfFile[],
      aiTool: c.ai_tool,
      userWork: c.user_work,
      counted: c.ai_counted === 1,
    });
  }
  return out;
}

export interface RequestDecision {
  requestId: string | null;
  sessionId: string | null;
  path: string;
  sentence: string;
  createdAt: string | null;
}

/** Decisions taken in the turns of `requests` (the prompts' ids), oldest first. */
export function decisionsOfRequests(db: Db, project: string, requests: string[]): RequestDecision[] {
  if (requests.length === 0) return [];
  const marks = requests.map(() => '?').join(',');
  return db
    .prepare(
      `SELECT json_extract(r.metadata, '$.request') AS requestId, r.session_id AS sessionId, r.target_path AS path, r.label AS sentence, m.created_at AS createdAt
         FROM relationships r LEFT JOIN messages m ON m.id = substr(r.source_path, 5)
        WHERE r.project_path = ? AND r.type = ${sqlType('code_decision')} AND json_extract(r.metadata, '$.request') IN (${marks})
        ORDER BY m.created_at, r.target_path`,
    )
    .all(project, ...requests) as RequestDecision[];
}

export interface SessionLearning {
  id: string;
  sessionId: string | null;
  category: string;
  content: string;
  files: string[];
  createdAt: string;
}

/**
 * Learnings drawn from the turns of `requests`, or from their sessions (a correction is often
 * typed in a later turn than the one it corrects), oldest first.
 */
export function learningsOfRequests(db: Db, project: string, requests: string[], sessions: string[]): SessionLearning[] {
  if (requests.length === 0 && sessions.length === 0) return [];
  const r = requests.length > 0 ? requests : [''];
  const s = sessions.length > 0 ? sessions : [''];
  const rows = db
    .prepare(
      `SELECT id, session_id, category, content, related_files, created_at FROM learnings
        WHERE project_path = ? AND (json_extract(metadata, '$.request') IN (${r.map(() => '?').join(',')}) OR session_id IN (${s.map(() => '?').join(',')}))
        ORDER BY created_at, rowid`,
    )
    .all(project, ...r, ...s) as { id: string; session_id: string | null; category: string; content: string; related_files: string | null; created_at: string }[];
  return rows.map((l) => ({ id: l.id, sessionId: l.session_id, category: l.category, content: l.content, files: parseFiles(l.related_files), createdAt: l.created_at }));
}

function parseFiles(json: string | null): string[] {
  try {
    const v = json ? (JSON.parse(json) as unknown) : [];
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

export interface StatsFilter {
  /** Repo-relative path: a file, or a folder (everything under it). */
  path?: string;
  /** Unix seconds: commits at or after it. */
  since?: number;
}

export interface LinesRow {
  sha: string;
  committedAt: number;
  path: string;
  /** null: the commit's own added lines of the file (commit_files.added); else the AI tool's. */
  tool: string | null;
  lines: number;
}

/**
 * Added lines (tool null) and AI-written lines (per tool) of every non-merge commit of the
 * project that HEAD reaches and `filter` matches, per file: what `lore stats` sums per tool, file
 * and week.
 */
export function linesForStats(db: Db, project: string, filter: StatsFilter): LinesRow[] {
  // What HEAD reaches, as `lore why` lists it: a commit an --amend or a rebase left behind is
  // stored beside its rewrite, and counting both would count its lines twice.
  const where = ['c.project_path = @project', "c.parents NOT LIKE '% %'", 'c.id NOT IN (SELECT commit_id FROM unreachable_commits)'];
  if (filter.since !== undefined) where.push('c.committed_at >= @since');
  const pathCond = filter.path ? '(x.path = @path OR substr(x.path, 1, length(@dir)) = @dir)' : '1';
  const params = { project, since: filter.since ?? 0, path: filter.path ?? '', dir: filter.path ? `${filter.path.replace(/\/+$/, '')}/` : '' };
  const added = db
    .prepare(
      `SELECT c.sha, c.committed_at AS committedAt, x.path, NULL AS tool, coalesce(x.added, 0) AS lines
         FROM commits c JOIN commit_files x ON x.commit_id = c.id WHERE ${where.join(' AND ')} AND ${pathCond} AND coalesce(x.added, 0) > 0`,
    )
    .all(params) as LinesRow[];
  const ai = db
    .prepare(
      `SELECT c.sha, c.committed_at AS committedAt, x.path, x.tool, x.lines
         FROM commit_ai_lines x JOIN commits c ON c.project_path = x.project_path AND c.sha = x.sha WHERE ${where.join(' AND ')} AND ${pathCond}`,
    )
    .all(params) as LinesRow[];
  return [...added, ...ai];
}
