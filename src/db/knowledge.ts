import { relationshipId, sqlType } from './relationships.js';
import type { Db } from './open.js';
import { dropVectors } from './vectors.js';

/** Decisions, learnings and prior art: what the link stage writes beside request→change links. */

export interface LearningInput {
  id: string;
  project: string;
  sessionId?: string | null;
  category: string;
  content: string;
  files: string[];
  createdAt: string;
  source: 'compound' | 'manual' | 'extracted' | 'entire';
  metadata?: Record<string, unknown>;
}

export interface LearningRow extends Omit<LearningInput, 'metadata'> {
  metadata: Record<string, unknown>;
}

/** Inserts or refreshes a learning (ids are deterministic: re-reading a source is idempotent). */
export function upsertLearning(db: Db, l: LearningInput): 'added' | 'updated' | 'same' {
  const old = db.prepare('SELECT content, category, related_files, metadata FROM learnings WHERE id = ?').get(l.id) as
    | { content: string; category: string; related_files: string | null; metadata: string | null }
    | undefined;
  const files = JSON.stringify(l.files);
  const metadata = JSON.stringify(l.metadata ?? {});
  if (old && old.content === l.content && old.category === l.category && old.related_files === files && old.metadata === metadata) return 'same';
  db.prepare(
    `INSERT INTO learnings (id, session_id, category, content, related_files, created_at, project_path, source, metadata)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT(id) DO UPDATE SET category = excluded.category, content = excluded.content, related_files = excluded.related_files,
       created_at = excluded.created_at, metadata = excluded.metadata, session_id = excluded.session_id`,
  ).run(l.id, l.sessionId ?? null, l.category, l.content, files, l.createdAt, l.project, l.source, metadata);
  return old ? 'updated' : 'added';
}

export function getLearning(db: Db, id: string): LearningRow | undefined {
  const r = db.prepare('SELECT * FROM learnings WHERE id = ?').get(id) as RawLearning | undefined;
  return r && toLearning(r);
}

/**
 * The project's learnings, newest first; with `file`, only those attached to it, less the root
 * causes extracted from a turn whose edits of the file never landed (as for decisions).
 */
export function listLearnings(db: Db, project: string, file?: string): LearningRow[] {
  if (!file) return (db.prepare('SELECT * FROM learnings WHERE project_path = ? ORDER BY created_at DESC, rowid DESC').all(project) as RawLearning[]).map(toLearning);
  const rows = db
    .prepare(
      `SELECT * FROM learnings WHERE project_path = ? AND EXISTS (SELECT 1 FROM json_each(learnings.related_files) WHERE value = ?)
        ORDER BY created_at DESC, rowid DESC`,
    )
    .all(project, file) as RawLearning[];
  const landed = editsLanded(db, project);
  return rows.map(toLearning).filter((l) => {
    // A user's correction is a rule whether or not its turn's edit landed (it often rejects one).
    const request = l.source === 'extracted' && l.category !== 'correction' ? l.metadata.request : undefined;
    return typeof request !== 'string' || landed(request, file) !== false;
  });
}

/** Ids of the project's learnings from `source` whose metadata `key` is one of `values`. */
export function learningIdsWith(db: Db, project: string, source: LearningInput['source'], key: string, values: string[]): string[] {
  if (values.length === 0) return [];
  return (
    db
      .prepare(`SELECT l.id FROM learnings l, json_each(?) v WHERE l.project_path = ? AND l.source = ? AND json_extract(l.metadata, '$.' || ?) = v.value`)
      .all(JSON.stringify(values), project, source, key) as { id: string }[]
  ).map((r) => r.id);
}

/** Removes learnings with their vectors (their source no longer lists them). */
export function dropLearnings(db: Db, ids: string[]): void {
  if (ids.length === 0) return;
  const drop = db.prepare('DELETE FROM learnings WHERE id = ?');
  db.transaction(() => {
    dropVectors(db, 'learning', ids);
    for (const id of ids) drop.run(id);
  })();
}

/** Learnings imported from a docs/solutions file, keyed by doc path (for change detection). */
export function compoundLearnings(db: Db, project: string): Map<string, { id: string; hash: string }> {
  const rows = db
    .prepare(`SELECT id, json_extract(metadata, '$.doc') AS doc, json_extract(metadata, '$.hash') AS hash FROM learnings WHERE project_path = ? AND source = 'compound'`)
    .all(project) as { id: string; doc: string; hash: string }[];
  return new Map(rows.map((r) => [r.doc, { id: r.id, hash: r.hash }]));
}

/** Lines added plus removed in `paths` by commits after `sinceSeconds`, and whether any was deleted. */
export function changesSince(db: Db, project: string, paths: string[], sinceSeconds: number): { lines: number; commits: number; deleted: string[] } {
  if (paths.length === 0) return { lines: 0, commits: 0, deleted: [] };
  const marks = paths.map(() => '?').join(',');
  const rows = db
    .prepare(
      // CROSS JOIN: from the paths' own history (bounded by it), not from every commit after the time.
      `SELECT c.sha, f.path, f.old_path, f.status, coalesce(f.added, 0) + coalesce(f.removed, 0) AS n FROM commit_files f CROSS JOIN commits c ON c.id = f.commit_id
        WHERE (f.path IN (${marks}) OR f.old_path IN (${marks})) AND c.project_path = ? AND c.committed_at > ?`,
    )
    .all(...paths, ...paths, project, sinceSeconds) as { sha: string; path: string; old_path: string | null; status: string; n: number }[];
  const watched = new Set(paths);
  return {
    lines: rows.reduce((s, r) => s + r.n, 0),
    commits: new Set(rows.map((r) => r.sha)).size,
    deleted: rows.flatMap((r) => (r.status === 'D' && watched.has(r.path) ? [r.path] : r.status === 'R' && r.old_path && watched.has(r.old_path) ? [r.old_path] : [])),
  };
}

export interface DecisionInput {
  project: string;
  messageId: string;
  sessionId: string;
  path: string;
  sentence: string;
  evidence: string;
  confidence: number;
  /** The prompt that started the decision's turn (whether the turn's edits landed is read from it). */
  request?: string;
}

export function upsertDecisions(db: Db, decisions: DecisionInput[]): number {
  const stmt = db.prepare(
    `INSERT INTO relationships (id, session_id, type, source_path, target_path, label, created_at, metadata, project_path)
     VALUES (?, ?, ${sqlType('code_decision')}, ?, ?, ?, ?, ?, ?)
     ON CONFLICT(id) DO UPDATE SET label = excluded.label, metadata = excluded.metadata, project_path = excluded.project_path`,
  );
  const now = new Date().toISOString();
  db.transaction(() => {
    for (const d of decisions) {
      const source = `msg:${d.messageId}`;
      stmt.run(relationshipId('code_decision', d.project, source, d.path), d.sessionId, source, d.path, d.sentence, now, JSON.stringify({ project: d.project, evidence: d.evidence, confidence: d.confidence, ...(d.request ? { request: d.request } : {}) }), d.project);
    }
  }).immediate();
  return decisions.length;
}

export interface DecisionRow {
  id: string;
  messageId: string;
  sessionId: string | null;
  path: string;
  sentence: string;
  evidence: string;
  confidence: number;
  createdAt: string;
  source: string | null;
  project: string;
}

/**
 * Decisions about any of `paths`, newest message first. A decision of a turn that edited the
 * file but whose edits never landed (a later commit of the file, already linked, carried another
 * request: the edits were undone, rejected or overwritten) is left out; one whose edits have
 * not met a commit yet stays.
 */
export function decisionsForPaths(db: Db, project: string, paths: string[]): DecisionRow[] {
  if (paths.length === 0) return [];
  const marks = paths.map(() => '?').join(',');
  const landed = editsLanded(db, project);
  return (
    db
      .prepare(
        `SELECT r.id, r.session_id, r.source_path, r.target_path, r.label, r.metadata, m.created_at, s.source FROM relationships r
           LEFT JOIN messages m ON m.id = substr(r.source_path, 5) LEFT JOIN sessions s ON s.id = r.session_id
          WHERE r.project_path = ? AND r.type = ${sqlType('code_decision')} AND r.target_path IN (${marks})
          ORDER BY m.created_at DESC`,
      )
      .all(project, ...paths) as RawDecision[]
  )
    .filter((r) => {
      const request = (JSON.parse(r.metadata) as { request?: string }).request;
      return request === undefined || landed(request, r.target_path) !== false;
    })
    .map(toDecision);
}

/**
 * Whether the edits of `path` made in the turn of `request` landed: true when the request is
 * linked to the file, false when a linked commit of the file came after the turn's last edit of
 * it without that link, undefined when no commit came yet. For a file the turn did not edit (it
 * names it), the turn's own edits answer: false when none of them landed (the whole change the
 * turn talks about was undone, rejected or interrupted), else undefined.
 */
function editsLanded(db: Db, project: string): (request: string, path: string) => boolean | undefined {
  const ofPath = pathEditsLanded(db, project);
  const edited = db.prepare('SELECT DISTINCT path FROM file_edits WHERE project_path = ? AND request_id = ?');
  return (request, path) => {
    const own = ofPath(request, path);
    if (own !== null) return own;
    const paths = (edited.all(project, request) as { path: string }[]).map((r) => r.path);
    return paths.length > 0 && paths.every((p) => ofPath(request, p) === false) ? false : undefined;
  };
}

/** As editsLanded, for the files the turn edited; null when it did not edit `path`. */
function pathEditsLanded(db: Db, project: string): (request: string, path: string) => boolean | undefined | null {
  const lastEdit = db.prepare('SELECT max(created_at) AS at FROM file_edits WHERE project_path = ? AND request_id = ? AND path = ?');
  const linked = db.prepare(`SELECT 1 FROM relationships WHERE project_path = ? AND type = ${sqlType('intent_implementation')} AND source_path = ? AND target_path = ? LIMIT 1`);
  const later = db.prepare(
    // CROSS JOIN: from the path's own history (bounded by it), not from every commit after the time.
    `SELECT 1 FROM commit_files f CROSS JOIN commits c ON c.id = f.commit_id JOIN linked_commits l ON l.project_path = c.project_path AND l.sha = c.sha
      WHERE (f.path = ? OR f.old_path = ?) AND c.project_path = ? AND c.committed_at >= CAST(strftime('%s', ?) AS INTEGER) LIMIT 1`,
  );
  return (request, path) => {
    const at = (lastEdit.get(project, request, path) as { at: string | null }).at;
    if (at === null) return null;
    if (linked.get(project, `msg:${request}`, path)) return true;
    return later.get(path, path, project, at) ? false : undefined;
  };
}

export interface PriorArtCandidate {
  ref: string; // msg:<id> | learning:<id> | commit:<sha>
  kind: 'decision' | 'learning' | 'commit';
  text: string;
  createdAt: string;
  project: string | null;
}

/**
 * Earlier decisions, learnings and commit messages (any repository) that full-text search finds
 * for `query` (an FTS5 expression), created before `before`. Best matches first.
 */
export function priorArtCandidates(db: Db, query: string, before: string, limit = 20): PriorArtCandidate[] {
  const decisions = db
    .prepare(
      `SELECT DISTINCT r.source_path AS ref, r.label AS text, m.created_at, json_extract(r.metadata, '$.project') AS project, bm25(messages_fts) AS rank
         FROM messages_fts JOIN messages m ON m.rowid = messages_fts.rowid
         JOIN relationships r ON r.type = ${sqlType('code_decision')} AND r.source_path = 'msg:' || m.id
        WHERE messages_fts MATCH ? AND m.created_at < ? ORDER BY rank LIMIT ?`,
    )
    .all(query, before, limit) as { ref: string; text: string; created_at: string; project: string | null }[];
  const commits = db
    .prepare(
      `SELECT 'commit:' || json_extract(m.metadata, '$.sha') AS ref, m.content AS text, m.created_at, s.project_path AS project, bm25(messages_fts) AS rank
         FROM messages_fts JOIN messages m ON m.rowid = messages_fts.rowid JOIN sessions s ON s.id = m.session_id
        WHERE messages_fts MATCH ? AND m.created_at < ? AND json_extract(m.metadata, '$.kind') = 'commit' ORDER BY rank LIMIT ?`,
    )
    .all(query, before, limit) as { ref: string; text: string; created_at: string; project: string | null }[];
  const learnings = db
    .prepare(
      `SELECT 'learning:' || l.id AS ref, l.content AS text, l.created_at, l.project_path AS project, bm25(learnings_fts) AS rank
         FROM learnings_fts JOIN learnings l ON l.rowid = learnings_fts.rowid
        WHERE learnings_fts MATCH ? AND l.created_at < ? ORDER BY rank LIMIT ?`,
    )
    .all(query, before, limit) as { ref: string; text: string; created_at: string; project: string | null }[];
  const tag = (kind: PriorArtCandidate['kind']) => (r: { ref: string; text: string; created_at: string; project: string | null }): PriorArtCandidate => ({
    ref: r.ref,
    kind,
    text: r.text,
    createdAt: r.created_at,
    project: r.project,
  });
  // Decisions of a message hold one row per file: keep one per message.
  const seen = new Set<string>();
  return [...decisions.map(tag('decision')), ...learnings.map(tag('learning')), ...commits.map(tag('commit'))].filter((c) => !seen.has(c.ref) && seen.add(c.ref));
}

/**
 * Prior-art candidates among stored items (`nearestItems` hits): the decisions a message states,
 * a commit's message, a learning; only those created before `before`, in the order given.
 */
export function priorArtCandidatesOf(db: Db, items: { kind: 'message' | 'learning'; ref: string }[], before: string): PriorArtCandidate[] {
  const decisions = db.prepare(
    `SELECT r.source_path AS ref, r.label AS text, m.created_at, json_extract(r.metadata, '$.project') AS project
       FROM messages m JOIN relationships r ON r.type = ${sqlType('code_decision')} AND r.source_path = 'msg:' || m.id
      WHERE m.id = ? AND m.created_at < ?`,
  );
  const commit = db.prepare(
    `SELECT 'commit:' || json_extract(m.metadata, '$.sha') AS ref, m.content AS text, m.created_at, s.project_path AS project
       FROM messages m JOIN sessions s ON s.id = m.session_id
      WHERE m.id = ? AND m.created_at < ? AND json_extract(m.metadata, '$.kind') = 'commit'`,
  );
  const learning = db.prepare(`SELECT 'learning:' || id AS ref, content AS text, created_at, project_path AS project FROM learnings WHERE id = ? AND created_at < ?`);
  type Row = { ref: string; text: string; created_at: string; project: string | null };
  const out: PriorArtCandidate[] = [];
  const seen = new Set<string>();
  const add = (kind: PriorArtCandidate['kind'], r: Row | undefined): void => {
    if (!r || seen.has(r.ref)) return;
    seen.add(r.ref);
    out.push({ ref: r.ref, kind, text: r.text, createdAt: r.created_at, project: r.project });
  };
  for (const item of items) {
    if (item.kind === 'learning') add('learning', learning.get(item.ref, before) as Row | undefined);
    else {
      // A message with decisions on several files has one row per file, all with its first sentence.
      add('decision', decisions.get(item.ref, before) as Row | undefined);
      add('commit', commit.get(item.ref, before) as Row | undefined);
    }
  }
  return out;
}

export interface PriorArtInput {
  project: string;
  source: string; // msg:<id> | learning:<id>
  sessionId: string | null;
  target: string;
  label: string;
  similarity: number;
  targetProject: string | null;
  /** How the similarity was measured: `fts` (shared words) or `hybrid` (shared words and vectors). */
  evidence: 'fts' | 'hybrid';
}

export function upsertPriorArt(db: Db, links: PriorArtInput[]): void {
  const stmt = db.prepare(
    `INSERT INTO relationships (id, session_id, type, source_path, target_path, label, created_at, metadata, project_path)
     VALUES (?, ?, ${sqlType('decision_prior_art')}, ?, ?, ?, ?, ?, ?)
     ON CONFLICT(id) DO UPDATE SET label = excluded.label, metadata = excluded.metadata, project_path = excluded.project_path`,
  );
  const now = new Date().toISOString();
  db.transaction(() => {
    for (const l of links) {
      stmt.run(
        relationshipId('decision_prior_art', l.project, l.source, l.target),
        l.sessionId,
        l.source,
        l.target,
        l.label,
        now,
        JSON.stringify({ project: l.project, target_project: l.targetProject, evidence: l.evidence, similarity: l.similarity, confidence: l.similarity }),
        l.project,
      );
    }
  }).immediate();
}

export interface PriorArtRow {
  source: string;
  target: string;
  label: string;
  similarity: number;
  targetProject: string | null;
}

export function priorArtOf(db: Db, sources: string[]): PriorArtRow[] {
  const stmt = db.prepare(`SELECT source_path, target_path, label, metadata FROM relationships WHERE type = ${sqlType('decision_prior_art')} AND source_path = ?`);
  return sources.flatMap((s) =>
    (stmt.all(s) as { source_path: string; target_path: string; label: string; metadata: string }[]).map((r) => {
      const m = JSON.parse(r.metadata) as { similarity?: number; target_project?: string | null };
      return { source: r.source_path, target: r.target_path, label: r.label, similarity: m.similarity ?? 0, targetProject: m.target_project ?? null };
    }),
  );
}

/** The messages of the turn `requestId` starts: the prompt and everything until the next prompt. */
export function turnMessages(db: Db, requestId: string): { id: string; role: string; kind: string | null; content: string; createdAt: string; sessionId: string }[] {
  const p = db.prepare('SELECT rowid, session_id, created_at FROM messages WHERE id = ?').get(requestId) as { rowid: number; session_id: string; created_at: string } | undefined;
  if (!p) return [];
  const rows = db
    .prepare(
      `SELECT id, role, json_extract(metadata, '$.kind') AS kind, content, created_at, session_id FROM messages
        WHERE session_id = ? AND (created_at > ? OR (created_at = ? AND rowid >= ?)) ORDER BY created_at, rowid LIMIT 2000`,
    )
    .all(p.session_id, p.created_at, p.created_at, p.rowid) as { id: string; role: string; kind: string | null; content: string; created_at: string; session_id: string }[];
  const out = [];
  for (const r of rows) {
    if (r.kind === 'prompt' && r.id !== requestId) break;
    out.push({ id: r.id, role: r.role, kind: r.kind, content: r.content, createdAt: r.created_at, sessionId: r.session_id });
  }
  return out;
}

interface RawLearning {
  id: string;
  session_id: string | null;
  category: string;
  content: string;
  related_files: string | null;
  created_at: string;
  project_path: string | null;
  source: string | null;
  metadata: string | null;
}
interface RawDecision {
  id: string;
  session_id: string | null;
  source_path: string;
  target_path: string;
  label: string;
  metadata: string;
  created_at: string | null;
  source: string | null;
}

function toLearning(r: RawLearning): LearningRow {
  return {
    id: r.id,
    project: r.project_path ?? '',
    sessionId: r.session_id,
    category: r.category,
    content: r.content,
    files: r.related_files ? (JSON.parse(r.related_files) as string[]) : [],
    createdAt: r.created_at,
    source: (r.source ?? 'manual') as LearningRow['source'],
    metadata: r.metadata ? (JSON.parse(r.metadata) as Record<string, unknown>) : {},
  };
}

function toDecision(r: RawDecision): DecisionRow {
  const m = JSON.parse(r.metadata) as { evidence?: string; confidence?: number; project?: string };
  return {
    id: r.id,
    messageId: r.source_path.replace(/^msg:/, ''),
    sessionId: r.session_id,
    path: r.target_path,
    sentence: r.label,
    evidence: m.evidence ?? '',
    confidence: m.confidence ?? 0,
    createdAt: r.created_at ?? '',
    source: r.source,
    project: m.project ?? '',
  };
}

/** Commit time (unix seconds) of the newest commit that carried request `requestId`, if any. */
export function lastCommitOfRequest(db: Db, project: string, requestId: string): number | undefined {
  // CROSS JOIN fixes the order (the request's links, then their commits by sha): left to itself
  // the planner walked every commit of the project first (docs/performance.md).
  const row = db
    .prepare(
      `SELECT max(c.committed_at) AS t FROM relationships r CROSS JOIN json_each(r.metadata, '$.commits') j CROSS JOIN commits c
        WHERE r.type = ${sqlType('intent_implementation')} AND r.source_path = ? AND c.project_path = ? AND c.sha = json_extract(j.value, '$.sha')`,
    )
    .get(`msg:${requestId}`, project) as { t: number | null } | undefined;
  return row?.t ?? undefined;
}

/** Commit time (unix seconds) of the newest commit that touched `path`. */
export function lastCommitTouching(db: Db, project: string, path: string): number | undefined {
  const row = db
    .prepare(`SELECT max(c.committed_at) AS t FROM commit_files f JOIN commits c ON c.id = f.commit_id WHERE f.path = ? AND c.project_path = ?`)
    .get(path, project) as { t: number | null } | undefined;
  return row?.t ?? undefined;
}
