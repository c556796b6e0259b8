import type { IntentCommitEntry } from './links.js';
import type { Db } from './open.js';
import { relationshipId, sqlType } from './relationships.js';
import { dropSession, ignoredSessionIds, purgeDeletedText } from './sessions.js';
import { dropVectors } from './vectors.js';

/**
 * What `lore sync` reads to share and writes when it imports a teammate's notes. Imported rows
 * live in sessions `shared:<key>` (source: the tool, metadata.sharedBy: who shared them), so
 * `lore forget` removes them as any session, and every query that shows a session shows them.
 */

export const SHARED_PREFIX = 'shared:';

export interface OwnRequest {
  sessionId: string;
  tool: string | null;
  text: string;
  createdAt: string;
  path: string;
  commits: IntentCommitEntry[];
}

/** The project's request→file links from this clone's own sessions (not imported ones). */
export function ownRequests(db: Db, project: string): OwnRequest[] {
  const rows = db
    .prepare(
      `SELECT r.session_id, r.target_path, r.metadata, m.content, m.created_at, s.source FROM relationships r
         JOIN messages m ON m.id = substr(r.source_path, 5) JOIN sessions s ON s.id = m.session_id
        WHERE r.project_path = ? AND r.type = ${sqlType('intent_implementation')} AND r.source_path LIKE 'msg:%'
          AND s.id NOT LIKE '${SHARED_PREFIX}%'`,
    )
    .all(project) as { session_id: string; target_path: string; metadata: string; content: string; created_at: string; source: string | null }[];
  return rows.map((r) => ({
    sessionId: r.session_id,
    tool: r.source,
    text: r.content,
    createdAt: r.created_at,
    path: r.target_path,
    commits: (JSON.parse(r.metadata) as { commits?: IntentCommitEntry[] }).commits ?? [],
  }));
}

export interface OwnDecision {
  sessionId: string;
  tool: string | null;
  text: string;
  createdAt: string;
  path: string;
  evidence: string;
  confidence: number;
}

export function ownDecisions(db: Db, project: string): OwnDecision[] {
  const rows = db
    .prepare(
      `SELECT s.id AS session_id, r.target_path, r.label, r.metadata, m.created_at, s.source FROM relationships r
         JOIN messages m ON m.id = substr(r.source_path, 5) JOIN sessions s ON s.id = m.session_id
        WHERE r.project_path = ? AND r.type = ${sqlType('code_decision')} AND s.id NOT LIKE '${SHARED_PREFIX}%'`,
    )
    .all(project) as { session_id: string; target_path: string; label: string; metadata: string; created_at: string; source: string | null }[];
  return rows.map((r) => {
    const m = JSON.parse(r.metadata) as { evidence?: string; confidence?: number };
    return { sessionId: r.session_id, tool: r.source, text: r.label, createdAt: r.created_at, path: r.target_path, evidence: m.evidence ?? '', confidence: m.confidence ?? 0 };
  });
}

export interface OwnLearning {
  id: string;
  sessionId: string | null;
  category: string;
  text: string;
  files: string[];
  createdAt: string;
}

/** Learnings written here (`lore learn`, extracted from sessions); docs/solutions ones travel with the repository itself. */
export function ownLearnings(db: Db, project: string): OwnLearning[] {
  const rows = db
    .prepare(
      `SELECT id, session_id, category, content, related_files, created_at FROM learnings
        WHERE project_path = ? AND source IN ('manual', 'extracted') AND json_extract(coalesce(metadata, '{}'), '$.sharedBy') IS NULL`,
    )
    .all(project) as { id: string; session_id: string | null; category: string; content: string; related_files: string | null; created_at: string }[];
  return rows.map((r) => ({ id: r.id, sessionId: r.session_id, category: r.category, text: r.content, files: JSON.parse(r.related_files ?? '[]') as string[], createdAt: r.created_at }));
}

/** Ids of every session stored for any project, imported ones aside. */
export function ownSessionIds(db: Db): string[] {
  return (db.prepare(`SELECT id FROM sessions WHERE id NOT LIKE '${SHARED_PREFIX}%' AND coalesce(source, '') <> 'git'`).all() as { id: string }[]).map((r) => r.id);
}

/** The oldest commit of the project touching `path` at or after `atSeconds`, else its newest one. */
export function commitForPath(db: Db, project: string, path: string, atSeconds: number): string | undefined {
  const q = (order: 'ASC' | 'DESC', after: boolean): { sha: string } | undefined =>
    db
      .prepare(
        `SELECT c.sha FROM commit_files f CROSS JOIN commits c ON c.id = f.commit_id
          WHERE (f.path = ? OR f.old_path = ?) AND c.project_path = ? ${after ? 'AND c.committed_at >= ?' : ''} ORDER BY c.committed_at ${order}, c.id ${order} LIMIT 1`,
      )
      .get(...(after ? [path, path, project, atSeconds] : [path, path, project])) as { sha: string } | undefined;
  return (q('ASC', true) ?? q('DESC', false))?.sha;
}

export interface SharedRequestRow {
  key: string;
  tool: string | null;
  by: string;
  text: string;
  time: string;
  path: string;
  sha: string;
  evidence: string;
  confidence: number;
}

/** A decision is stored against its file, not a commit: a request's row without the sha. */
export type SharedDecisionRow = Omit<SharedRequestRow, 'sha'>;

export interface SharedLearningRow {
  id: string;
  key: string | null;
  by: string;
  category: string;
  text: string;
  files: string[];
  time: string;
}

export interface SharedImport {
  requests: SharedRequestRow[];
  decisions: SharedDecisionRow[];
  learnings: SharedLearningRow[];
}

/**
 * Stores a teammate's shared entries (idempotent: ids derive from the content) in one
 * transaction. Sessions already forgotten here are skipped; `forgotten` keys remove what an
 * earlier import stored. Returns how many entries were new.
 */
export function importShared(db: Db, project: string, items: SharedImport, forgotten: string[], messageId: (key: string, text: string, time: string) => string): { added: number; removed: number } {
  const ignored = ignoredSessionIds(db);
  const session = db.prepare(
    `INSERT INTO sessions (id, project_path, title, created_at, last_message_at, source, metadata) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT(id) DO UPDATE SET last_message_at = max(coalesce(sessions.last_message_at, ''), excluded.last_message_at)`,
  );
  const message = db.prepare(`INSERT INTO messages (id, session_id, role, content, created_at, metadata) VALUES (?, ?, 'user', ?, ?, ?) ON CONFLICT(id) DO NOTHING`);
  const getLink = db.prepare('SELECT metadata FROM relationships WHERE id = ?');
  const putLink = db.prepare(
    `INSERT INTO relationships (id, session_id, type, source_path, target_path, label, created_at, metadata, project_path)
     VALUES (?, ?, ${sqlType('intent_implementation')}, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET metadata = excluded.metadata`,
  );
  const putDecision = db.prepare(
    `INSERT INTO relationships (id, session_id, type, source_path, target_path, label, created_at, metadata, project_path)
     VALUES (?, ?, ${sqlType('code_decision')}, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING`,
  );
  const putLearning = db.prepare(
    `INSERT INTO learnings (id, session_id, category, content, related_files, created_at, project_path, source, metadata)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING`,
  );
  const now = new Date().toISOString();
  let added = 0;
  let removed = 0;
  const ensureSession = (key: string, tool: string | null, by: string, time: string): string | null => {
    const id = `${SHARED_PREFIX}${key}`;
    if (ignored.has(id)) return null;
    session.run(id, project, `shared by ${by}`, time, time, tool, JSON.stringify({ sharedBy: by }));
    return id;
  };
  const ensureMessage = (sessionId: string, key: string, by: string, text: string, time: string): string => {
    const id = messageId(key, text, time);
    message.run(id, sessionId, text, time, JSON.stringify({ kind: 'shared-request', sharedBy: by }));
    return id;
  };
  db.transaction(() => {
    // What an earlier import stored of a session a teammate forgot goes as a forgotten session's
    // rows go (vectors, search text and links included); its learnings have no session row.
    const sharedLearnings = db.prepare(`SELECT id FROM learnings WHERE json_extract(coalesce(metadata, '{}'), '$.sessionKey') = ? AND json_extract(metadata, '$.sharedBy') IS NOT NULL`);
    const learningLinks = db.prepare('DELETE FROM relationships WHERE source_path = ? OR target_path = ?');
    const dropLearning = db.prepare('DELETE FROM learnings WHERE id = ?');
    const stored = db.prepare('SELECT 1 FROM sessions WHERE id = ?');
    // Tombstones stay in the notes for good: most name nothing stored here any more.
    for (const key of forgotten) {
      const learnings = (sharedLearnings.all(key) as { id: string }[]).map((r) => r.id);
      dropVectors(db, 'learning', learnings);
      for (const l of learnings) {
        learningLinks.run(`learning:${l}`, `learning:${l}`);
        dropLearning.run(l);
      }
      const id = `${SHARED_PREFIX}${key}`;
      if (stored.get(id) && dropSession(db, id)) removed++;
    }
    if (removed > 0) purgeDeletedText(db);
    for (const r of items.requests) {
      const sid = ensureSession(r.key, r.tool, r.by, r.time);
      if (!sid) continue;
      const mid = ensureMessage(sid, r.key, r.by, r.text, r.time);
      const source = `msg:${mid}`;
      const id = relationshipId('intent_implementation', project, source, r.path);
      const old = getLink.get(id) as { metadata: string } | undefined;
      const prev = old ? (JSON.parse(old.metadata) as { commits?: IntentCommitEntry[] }).commits ?? [] : [];
      if (prev.some((c) => c.sha === r.sha)) continue;
      const commits: IntentCommitEntry[] = [...prev, { sha: r.sha, patchId: null, evidence: r.evidence, confidence: r.confidence, detail: `shared by ${r.by}` }];
      const best = commits.reduce((a, b) => (b.confidence >= a.confidence ? b : a));
      const metadata = { project, commit: best.sha, patch_id: null, evidence: best.evidence, confidence: best.confidence, commits, sharedBy: r.by };
      putLink.run(id, sid, source, r.path, 'shared', now, JSON.stringify(metadata), project);
      added++;
    }
    for (const d of items.decisions) {
      const sid = ensureSession(d.key, d.tool, d.by, d.time);
      if (!sid) continue;
      const mid = ensureMessage(sid, d.key, d.by, d.text, d.time);
      const source = `msg:${mid}`;
      const meta = { project, evidence: d.evidence, confidence: d.confidence, sharedBy: d.by };
      added += putDecision.run(relationshipId('code_decision', project, source, d.path), sid, source, d.path, d.text, now, JSON.stringify(meta), project).changes;
    }
    for (const l of items.learnings) {
      if (l.key && ignored.has(`${SHARED_PREFIX}${l.key}`)) continue;
      added += putLearning.run(l.id, null, l.category, l.text, JSON.stringify(l.files), l.time, project, 'manual', JSON.stringify({ sharedBy: l.by, ...(l.key ? { sessionKey: l.key } : {}) })).changes;
    }
  }).immediate();
  return { added, removed };
}

/** Who shared each of these imported sessions (an empty map for local ones). */
export function sharedBy(db: Db, sessionIds: string[]): Map<string, string> {
  const out = new Map<string, string>();
  const stmt = db.prepare(`SELECT json_extract(metadata, '$.sharedBy') AS by FROM sessions WHERE id = ?`);
  for (const id of new Set(sessionIds)) {
    if (!id.startsWith(SHARED_PREFIX)) continue;
    const r = stmt.get(id) as { by: string | null } | undefined;
    if (r?.by) out.set(id, r.by);
  }
  return out;
}

/** An attribution tool's record of the AI-written lines of one commit's version of a file. */
export interface Provenance {
  /** The tool that recorded it: 'git-ai', 'entire', 'agent-trace'. */
  source: string;
  /** The AI tool that wrote the lines, by the record. */
  tool: string;
  model: string | null;
  /** The AI tool's own conversation id (Claude Code's session id, Cursor's composer id, ...). */
  conversation: string | null;
  human: string | null;
  /** Distinct lines of the file, as committed, that the AI wrote; null when the record counts no lines per file (Entire). */
  lines: number | null;
  ranges: string | null;
}

export interface ProvenanceRow extends Provenance {
  sha: string;
  path: string;
  /** The tool's own id of the record (Entire's checkpoint, an Agent Trace record). */
  record?: string | null;
  /** The request the record names, redacted. */
  prompt?: string | null;
  /** JSON the source keeps beside the row (see migration 0016). */
  detail?: string | null;
}

/** Replaces what `source` said about these commits (re-reading a tool's record is idempotent). */
export function storeProvenance(db: Db, project: string, source: string, shas: string[], rows: ProvenanceRow[]): void {
  const clear = db.prepare('DELETE FROM commit_provenance WHERE project_path = ? AND sha = ? AND source = ?');
  const put = db.prepare(
    `INSERT OR REPLACE INTO commit_provenance (project_path, sha, path, source, tool, model, conversation, human, lines, ranges, record, prompt, detail)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  db.transaction(() => {
    for (const sha of shas) clear.run(project, sha, source);
    for (const r of rows) put.run(project, r.sha, r.path, source, r.tool, r.model, r.conversation ?? '', r.human, r.lines, r.ranges, r.record ?? null, r.prompt ?? null, r.detail ?? null);
  }).immediate();
}

/** Shas of the project whose provenance `source` was read already. */
export function provenanceShas(db: Db, project: string, source: string): Set<string> {
  return new Set((db.prepare('SELECT DISTINCT sha FROM commit_provenance WHERE project_path = ? AND source = ?').all(project, source) as { sha: string }[]).map((r) => r.sha));
}

/** Every row `source` stored for the project. */
export function provenanceRows(db: Db, project: string, source: string): ProvenanceRow[] {
  return db
    .prepare('SELECT sha, path, source, tool, model, conversation, human, lines, ranges, record, prompt, detail FROM commit_provenance WHERE project_path = ? AND source = ?')
    .all(project, source) as ProvenanceRow[];
}

/**
 * The commit that carried an edit of `path` recorded at `revision` and `atSeconds`. Writers
 * differ: one names the commit itself (recording at or just after it), another names HEAD as it
 * was when the edit was made, before the commit that carries it (Cursor). So: `revision` when it
 * changed the file and the record is not later than it by more than `SLACK` seconds; else the
 * oldest commit that changed the file at or after the edit; null while there is none.
 */
export function commitOfEdit(db: Db, project: string, path: string, revision: string, atSeconds: number | null): string | null {
  const own = db
    .prepare(`SELECT c.committed_at FROM commits c CROSS JOIN commit_files f ON f.commit_id = c.id WHERE c.project_path = ? AND c.sha = ? AND (f.path = ? OR f.old_path = ?) LIMIT 1`)
    .get(project, revision, path, path) as { committed_at: number } | undefined;
  if (own && (atSeconds === null || atSeconds <= own.committed_at + SLACK)) return revision;
  if (atSeconds === null) return null;
  const later = db
    .prepare(
      `SELECT c.sha FROM commit_files f CROSS JOIN commits c ON c.id = f.commit_id
        WHERE f.path = ? AND c.project_path = ? AND c.committed_at >= ? ORDER BY c.committed_at, c.id LIMIT 1`,
    )
    .get(path, project, atSeconds) as { sha: string } | undefined;
  return later?.sha ?? null;
}

/** How long after its commit a record naming that commit may be written (a post-commit hook's delay). */
const SLACK = 300;

/** Per commit read from `source`, the `detail` of its rows (what was read, to tell whether the record changed since). */
export function provenanceDetails(db: Db, project: string, source: string): Map<string, string | null> {
  const rows = db.prepare('SELECT sha, max(detail) AS detail FROM commit_provenance WHERE project_path = ? AND source = ? GROUP BY sha').all(project, source) as { sha: string; detail: string | null }[];
  return new Map(rows.map((r) => [r.sha, r.detail]));
}

/** The project's commits whose message has a `key:` trailer line, with the trailer values (newest first). */
export function commitsWithTrailer(db: Db, project: string, key: string): { sha: string; values: string[] }[] {
  const rows = db
    .prepare(`SELECT sha, body FROM commits WHERE project_path = ? AND instr(body, ?) > 0 ORDER BY committed_at DESC`)
    .all(project, `${key}:`) as { sha: string; body: string }[];
  // `key` is a plain trailer name (letters and dashes): nothing in it to escape.
  const re = new RegExp(String.raw`^${key}:[ \t]*(\S.*?)\s*$`, 'gim');
  const out: { sha: string; values: string[] }[] = [];
  for (const r of rows) {
    const values = [...r.body.matchAll(re)].map((m) => m[1]!);
    if (values.length > 0) out.push({ sha: r.sha, values });
  }
  return out;
}

/** What other tools recorded about these files' commits, by sha. */
export function provenanceFor(db: Db, project: string, paths: string[]): Map<string, ProvenanceRow[]> {
  const out = new Map<string, ProvenanceRow[]>();
  if (paths.length === 0) return out;
  const rows = db
    .prepare(
      `SELECT sha, path, source, tool, model, conversation, human, lines, ranges, record, prompt, detail FROM commit_provenance
        WHERE project_path = ? AND path IN (${paths.map(() => '?').join(',')}) ORDER BY coalesce(lines, -1) DESC, source, conversation`,
    )
    .all(project, ...paths) as ProvenanceRow[];
  for (const r of rows) {
    const list = out.get(r.sha) ?? [];
    list.push({ ...r, conversation: r.conversation || null });
    out.set(r.sha, list);
  }
  return out;
}

/** The model of the session's first answer at or after `time` (as its tool recorded it), or null. */
export function modelOfAnswer(db: Db, sessionId: string, time: string): string | null {
  const r = db
    .prepare(
      `SELECT json_extract(metadata, '$.model') AS model FROM messages
        WHERE session_id = ? AND role = 'assistant' AND created_at >= ? AND json_extract(metadata, '$.model') IS NOT NULL
        ORDER BY created_at LIMIT 1`,
    )
    .get(sessionId, time) as { model: unknown } | undefined;
  return typeof r?.model === 'string' && r.model ? r.model : null;
}

export interface SharedAiLinesRow {
  sha: string;
  path: string;
  tool: string;
  lines: number;
  by: string;
}

/** This clone's AI-written line counts of the project (commit_ai_lines), to share. */
export function ownAiLines(db: Db, project: string): Omit<SharedAiLinesRow, 'by'>[] {
  return db.prepare('SELECT sha, path, tool, lines FROM commit_ai_lines WHERE project_path = ? AND lines > 0').all(project) as Omit<SharedAiLinesRow, 'by'>[];
}

/** Replaces the teammates' AI-line counts of the project with `rows` (the merged notes say them all); returns how many are new. */
export function replaceSharedAiLines(db: Db, project: string, rows: SharedAiLinesRow[]): number {
  const before = new Set((db.prepare('SELECT sha, path, tool, shared_by, lines FROM shared_ai_lines WHERE project_path = ?').all(project) as { sha: string; path: string; tool: string; shared_by: string; lines: number }[]).map((r) => `${r.sha}\0${r.path}\0${r.tool}\0${r.shared_by}\0${r.lines}`));
  const put = db.prepare('INSERT OR REPLACE INTO shared_ai_lines (project_path, sha, path, tool, shared_by, lines) VALUES (?, ?, ?, ?, ?, ?)');
  let added = 0;
  db.transaction(() => {
    db.prepare('DELETE FROM shared_ai_lines WHERE project_path = ?').run(project);
    for (const r of rows) {
      put.run(project, r.sha, r.path, r.tool, r.by, r.lines);
      if (!before.has(`${r.sha}\0${r.path}\0${r.tool}\0${r.by}\0${r.lines}`)) added++;
    }
  }).immediate();
  return added;
}

/** Teammates' AI-line counts of any of `paths`. */
export function sharedAiLinesForPaths(db: Db, project: string, paths: string[]): SharedAiLinesRow[] {
  if (paths.length === 0) return [];
  return db
    .prepare(`SELECT sha, path, tool, lines, shared_by AS by FROM shared_ai_lines WHERE project_path = ? AND path IN (${paths.map(() => '?').join(',')})`)
    .all(project, ...paths) as SharedAiLinesRow[];
}
