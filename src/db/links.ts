import { enrichedThrough, gitSessionId, type ChangeStatus, type LinkCommit } from './commits.js';
import type { Db } from './open.js';
import { relationshipId, sqlType } from './relationships.js';

/** A row of file_edits (written by the chat ingest). */
export interface EditRow {
  rowid: number;
  id: string;
  sessionId: string;
  messageId: string | null;
  requestId: string | null;
  path: string;
  tool: string;
  oldText: string | null;
  newText: string | null;
  /** The tool's own hunks (unified diff), when its transcript has them. */
  patch: string | null;
  createdAt: string;
  source: string | null;
}

/** One commit's share of an intent link: which commit carried the change, and why lore thinks so. */
export interface IntentCommitEntry {
  sha: string;
  patchId: string | null;
  evidence: string;
  confidence: number;
  detail?: string;
  edits?: string[];
  /** For links carried over a rebase or squash: the commit they were first made on. */
  from?: string;
}

export interface IntentLinkInput {
  project: string;
  requestId: string;
  sessionId: string;
  path: string;
  label: string;
  entry: IntentCommitEntry;
}

export interface StoredIntent {
  id: string;
  requestId: string;
  sessionId: string | null;
  path: string;
  commits: IntentCommitEntry[];
  evidence: string;
  confidence: number;
}

export interface LinkState {
  editsRowid: number;
  messagesRowid: number;
}

export function getLinkState(db: Db, project: string): LinkState {
  const row = db.prepare('SELECT edits_rowid, messages_rowid FROM link_state WHERE project_path = ?').get(project) as
    | { edits_rowid: number; messages_rowid: number }
    | undefined;
  return { editsRowid: row?.edits_rowid ?? 0, messagesRowid: row?.messages_rowid ?? 0 };
}

export function setLinkState(db: Db, project: string, state: LinkState): void {
  db.prepare(
    `INSERT INTO link_state (project_path, edits_rowid, messages_rowid, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT(project_path) DO UPDATE SET edits_rowid = excluded.edits_rowid, messages_rowid = excluded.messages_rowid, updated_at = excluded.updated_at`,
  ).run(project, state.editsRowid, state.messagesRowid, new Date().toISOString());
}

/**
 * Commits of the project the link stage has not processed yet, parents first. Only enriched ones
 * (patch-ids known, so rebased commits can inherit links): the rest wait for the enrich pass.
 */
export function unlinkedCommits(db: Db, project: string): LinkCommit[] {
  return loadCommits(db, project, unlinkedCommitShas(db, project));
}

/** The shas unlinkedCommits loads: enough to decide whether to link them now. */
export function unlinkedCommitShas(db: Db, project: string): string[] {
  // Commits are linked in rowid order, so only rowids above the watermark can be new: a range
  // scan (`+`: not by the project_path index, which walks every commit of the project) instead
  // of a join over linked_commits, whose cost grows with the history (docs/performance.md).
  const rows = db
    .prepare(
      `SELECT c.sha FROM commits c LEFT JOIN linked_commits l ON l.project_path = c.project_path AND l.sha = c.sha
        WHERE c.id > ? AND c.id <= ? AND +c.project_path = ? AND l.sha IS NULL ORDER BY c.id`,
    )
    .all(linkedThrough(db, project), enrichedThrough(db, project), project) as { sha: string }[];
  return rows.map((r) => r.sha);
}

/** Commits the link stage has still to see, enriched or not: what `lore why` says is being linked in the background. */
export function countCommitsToLink(db: Db, project: string): number {
  const row = db
    .prepare(
      `SELECT count(*) AS n FROM commits c LEFT JOIN linked_commits l ON l.project_path = c.project_path AND l.sha = c.sha
        WHERE c.id > ? AND +c.project_path = ? AND l.sha IS NULL`,
    )
    .get(linkedThrough(db, project), project) as { n: number };
  return row.n;
}

/** Those of `shas` the link stage has processed. */
export function linkedShas(db: Db, project: string, shas: string[]): Set<string> {
  const rows = db.prepare('SELECT l.sha FROM json_each(?) j CROSS JOIN linked_commits l ON l.project_path = ? AND l.sha = j.value').all(JSON.stringify(shas), project) as { sha: string }[];
  return new Set(rows.map((r) => r.sha));
}

/** Rowid of the newest commit of the project the link stage has processed (0 before any). */
function linkedThrough(db: Db, project: string): number {
  const row = db.prepare("SELECT json_extract(metadata, '$.linkedThrough') AS n FROM sessions WHERE id = ?").get(gitSessionId(project)) as { n: number | null } | undefined;
  return row?.n ?? 0;
}

/** Moves the watermark to `sha` (kept in the repo's `git:` session metadata, as enrichedThrough is). */
export function setLinkedThrough(db: Db, project: string, sha: string | undefined): void {
  if (!sha) return;
  const row = db.prepare('SELECT id AS n FROM commits WHERE project_path = ? AND sha = ?').get(project, sha) as { n: number } | undefined;
  if (!row) return;
  db.prepare(
    `UPDATE sessions SET metadata = json_set(coalesce(metadata, '{}'), '$.linkedThrough',
       max(CAST(? AS INTEGER), coalesce(json_extract(metadata, '$.linkedThrough'), 0))) WHERE id = ?`,
  ).run(row.n, gitSessionId(project));
}

/** The commits named, with their files unless `files` is false, in the order given (unknown shas are skipped). */
export function loadCommits(db: Db, project: string, shas: string[], options: { files?: boolean } = {}): LinkCommit[] {
  const withFiles = options.files ?? true;
  const commit = db.prepare('SELECT id, sha, author_name, committer_name, committed_at, parents, patch_id, subject, body FROM commits WHERE project_path = ? AND sha = ?');
  const files = db.prepare('SELECT path, status, old_path FROM commit_files WHERE commit_id = ? ORDER BY path');
  const out: LinkCommit[] = [];
  for (const sha of shas) {
    const c = commit.get(project, sha) as
      | { id: number; sha: string; author_name: string; committer_name: string | null; committed_at: number; parents: string; patch_id: string | null; subject: string; body: string }
      | undefined;
    if (!c) continue;
    const fs = withFiles ? (files.all(c.id) as { path: string; status: ChangeStatus; old_path: string | null }[]) : [];
    out.push({
      sha: c.sha,
      authorName: c.author_name,
      committerName: c.committer_name,
      committedAt: c.committed_at,
      parents: c.parents ? c.parents.split(' ') : [],
      patchId: c.patch_id,
      subject: c.subject,
      body: c.body,
      files: fs.map((f) => ({ path: f.path, status: f.status, oldPath: f.old_path })),
    });
  }
  return out;
}

export function isCommitLinked(db: Db, project: string, sha: string): boolean {
  return db.prepare('SELECT 1 FROM linked_commits WHERE project_path = ? AND sha = ?').get(project, sha) !== undefined;
}

/** One file's AI-written lines in a commit, per tool (the link stage counts them). */
export interface AiLinesRow {
  path: string;
  tool: string;
  lines: number;
}

/**
 * `userWork`: `<tool>:<when>` for a commit a tool made of the user's own work (see userWorkOf in
 * src/link). `aiLines`: the commit's AI-written lines, replacing those stored for it.
 */
export function markCommitsLinked(
  db: Db,
  project: string,
  rows: { sha: string; links: number; aiTool: string | null; userWork?: string | null; aiLines?: AiLinesRow[] }[],
): void {
  const stmt = db.prepare(
    `INSERT INTO linked_commits (project_path, sha, links, ai_tool, user_work, linked_at, ai_counted) VALUES (?, ?, ?, ?, ?, ?, 1)
     ON CONFLICT(project_path, sha) DO UPDATE SET links = excluded.links, ai_tool = coalesce(excluded.ai_tool, ai_tool), user_work = excluded.user_work,
       linked_at = excluded.linked_at, ai_counted = 1`,
  );
  const clear = db.prepare('DELETE FROM commit_ai_lines WHERE project_path = ? AND sha = ?');
  const put = db.prepare('INSERT OR REPLACE INTO commit_ai_lines (project_path, sha, path, tool, lines) VALUES (?, ?, ?, ?, ?)');
  const now = new Date().toISOString();
  db.transaction(() => {
    for (const r of rows) {
      stmt.run(project, r.sha, r.links, r.aiTool, r.userWork ?? null, now);
      clear.run(project, r.sha);
      for (const a of r.aiLines ?? []) if (a.lines > 0) put.run(project, r.sha, a.path, a.tool, a.lines);
    }
  }).immediate();
}

/** Linked commits whose AI lines were never counted (linked before the count existed). */
export function uncountedCommits(db: Db, project: string): string[] {
  return (db.prepare('SELECT sha FROM linked_commits WHERE project_path = ? AND ai_counted IS NULL').all(project) as { sha: string }[]).map((r) => r.sha);
}

/** The stored AI-written lines of `sha`, per file and tool. */
export function aiLinesOfCommit(db: Db, project: string, sha: string): AiLinesRow[] {
  return db.prepare('SELECT path, tool, lines FROM commit_ai_lines WHERE project_path = ? AND sha = ? ORDER BY path, tool').all(project, sha) as AiLinesRow[];
}

/** Commits of `shas` a tool made of the user's own work, as the link stage recorded them: sha → `<tool>:<when>`. */
export function commitUserWork(db: Db, project: string, shas: string[]): Map<string, string> {
  // Few commits are such: one query for all of them, as for commitAiTools.
  const rows = db.prepare('SELECT sha, user_work FROM linked_commits WHERE project_path = ? AND user_work IS NOT NULL').all(project) as { sha: string; user_work: string }[];
  const wanted = new Set(shas);
  return new Map(rows.filter((r) => wanted.has(r.sha)).map((r) => [r.sha, r.user_work]));
}

/** The AI tool a commit's trailers name, as recorded by the link stage, for those of `shas` that have one. */
export function commitAiTools(db: Db, project: string, shas: string[]): Map<string, string> {
  // One query for all of them, by primary key: in a history Aider wrote, thousands of commits carry a marker.
  const rows = db
    .prepare('SELECT l.sha, l.ai_tool FROM json_each(?) j CROSS JOIN linked_commits l ON l.project_path = ? AND l.sha = j.value WHERE l.ai_tool IS NOT NULL')
    .all(JSON.stringify(shas), project) as { sha: string; ai_tool: string }[];
  return new Map(rows.map((r) => [r.sha, r.ai_tool]));
}

/** Chat sessions (not the git pseudo-session) stored for the project. */
export function countChatSessions(db: Db, project: string): number {
  return (db.prepare("SELECT count(*) AS n FROM sessions WHERE project_path = ? AND source IS NOT 'git'").get(project) as { n: number }).n;
}

export function countFileEdits(db: Db, project: string): number {
  return (db.prepare('SELECT count(*) AS n FROM file_edits WHERE project_path = ?').get(project) as { n: number }).n;
}

const EDIT_COLUMNS = `e.rowid AS rowid, e.id, e.session_id, e.message_id, e.request_id, e.path, e.tool, e.old_text, e.new_text, e.patch, e.created_at, s.source`;

// A failed or rejected tool call (the adapter marks it) did not change the file.
const NOT_FAILED = `(e.metadata IS NULL OR json_extract(e.metadata, '$.failed') IS NOT 1)`;

/** Edits stored after `rowid` (the link stage's cursor), oldest first. */
export function editsAfter(db: Db, project: string, rowid: number): EditRow[] {
  return (
    db
      .prepare(`SELECT ${EDIT_COLUMNS} FROM file_edits e LEFT JOIN sessions s ON s.id = e.session_id WHERE e.rowid > ? AND +e.project_path = ? AND ${NOT_FAILED} ORDER BY e.rowid`)
      .all(rowid, project) as RawEdit[]
  ).map(toEdit);
}

/** Edits to any of `paths` made at or before `until` (ISO), newest last; at most `limit`. */
export function editsToPaths(db: Db, project: string, paths: string[], until: string, limit = 500): EditRow[] {
  if (paths.length === 0) return [];
  const marks = paths.map(() => '?').join(',');
  const rows = db
    .prepare(
      `SELECT ${EDIT_COLUMNS} FROM file_edits e LEFT JOIN sessions s ON s.id = e.session_id
        WHERE e.project_path = ? AND e.path IN (${marks}) AND e.created_at <= ? AND ${NOT_FAILED} ORDER BY e.created_at DESC, e.rowid DESC LIMIT ?`,
    )
    .all(project, ...paths, until, limit) as RawEdit[];
  return rows.map(toEdit).reverse();
}

/** The edits of `ids` that the project stored (a link's evidence names them), in no set order. */
export function editsByIds(db: Db, project: string, ids: readonly string[]): EditRow[] {
  if (ids.length === 0) return [];
  return (
    db
      .prepare(`SELECT ${EDIT_COLUMNS} FROM json_each(?) j CROSS JOIN file_edits e ON e.id = j.value LEFT JOIN sessions s ON s.id = e.session_id WHERE e.project_path = ?`)
      .all(JSON.stringify([...new Set(ids)]), project) as RawEdit[]
  ).map(toEdit);
}

/** The first commit (oldest) that touched `path` at or after `atSeconds`: where an edit landed. */
export function firstCommitTouching(db: Db, project: string, path: string, atSeconds: number): string | undefined {
  const row = db
    .prepare(
      // CROSS JOIN: from the path's own history (bounded by it), not from every commit after the time.
      `SELECT c.sha FROM commit_files f CROSS JOIN commits c ON c.id = f.commit_id
        WHERE (f.path = ? OR f.old_path = ?) AND c.project_path = ? AND c.committed_at >= ? ORDER BY c.committed_at, c.id LIMIT 1`,
    )
    .get(path, path, project, atSeconds) as { sha: string } | undefined;
  return row?.sha;
}

export interface ChatMessage {
  rowid: number;
  id: string;
  sessionId: string;
  role: string;
  kind: string | null;
  content: string;
  createdAt: string;
  source: string | null;
  metadata: Record<string, unknown>;
}

/**
 * The human prompt that started the turn `messageId` belongs to (itself when it is one). A
 * message an adapter marks `endsTurn` (Aider's `/clear`, `/undo`...) closes the turn: what
 * follows it has no request until the next prompt.
 */
export function turnRequest(db: Db, messageId: string): string | undefined {
  const m = db.prepare(`SELECT rowid, session_id, created_at, json_extract(metadata, '$.kind') AS kind FROM messages WHERE id = ?`).get(messageId) as
    | { rowid: number; session_id: string; created_at: string; kind: string | null }
    | undefined;
  if (!m) return undefined;
  if (m.kind === 'prompt') return messageId;
  const row = db
    .prepare(
      `SELECT id, json_extract(metadata, '$.kind') = 'prompt' AS prompt FROM messages
        WHERE session_id = ? AND (json_extract(metadata, '$.kind') = 'prompt' OR json_extract(metadata, '$.endsTurn') = 1)
          AND (created_at < ? OR (created_at = ? AND rowid < ?))
        ORDER BY created_at DESC, rowid DESC LIMIT 1`,
    )
    .get(m.session_id, m.created_at, m.created_at, m.rowid) as { id: string; prompt: number } | undefined;
  return row?.prompt ? row.id : undefined;
}

/**
 * The newest prompt stored before message `rowid` in any of the project's sessions from `source`:
 * for a tool whose processes write one shared history (Aider), the request another process's
 * lines interrupted.
 */
export function promptBefore(db: Db, project: string, source: string, rowid: number): string | undefined {
  const row = db
    .prepare(
      `SELECT m.id FROM messages m JOIN sessions s ON s.id = m.session_id
        WHERE s.project_path = ? AND s.source = ? AND m.rowid < ? AND json_extract(m.metadata, '$.kind') = 'prompt'
        ORDER BY m.rowid DESC LIMIT 1`,
    )
    .get(project, source, rowid) as { id: string } | undefined;
  return row?.id;
}

/** True when `id` is a human prompt (metadata.kind 'prompt'). */
export function isPrompt(db: Db, id: string): boolean {
  return db.prepare(`SELECT 1 FROM messages WHERE id = ? AND json_extract(metadata, '$.kind') = 'prompt'`).get(id) !== undefined;
}

/** Prompts of the project's chat sessions with created_at in (from, until]. */
export function promptsBetween(db: Db, project: string, from: string, until: string): ChatMessage[] {
  return (
    db
      .prepare(
        `SELECT m.rowid AS rowid, m.id, m.session_id, m.role, m.content, m.created_at, m.metadata, s.source FROM messages m JOIN sessions s ON s.id = m.session_id
          WHERE s.project_path = ? AND m.created_at > ? AND m.created_at <= ? AND json_extract(m.metadata, '$.kind') = 'prompt'
          ORDER BY m.created_at, m.rowid`,
      )
      .all(project, from, until) as RawMessage[]
  ).map(toMessage);
}

/** Messages whose metadata records tool commits (Aider's `> Commit <sha>` lines), for the project; those stored after `afterRowid`. */
export function commitMentions(db: Db, project: string, afterRowid = 0): ChatMessage[] {
  // Nothing stored since: no pass over the project's sessions (a query's catch-up asks each time).
  if (afterRowid > 0 && (db.prepare('SELECT coalesce(max(rowid), 0) FROM messages').pluck().get() as number) <= afterRowid) return [];
  return (
    db
      .prepare(
        `SELECT m.rowid AS rowid, m.id, m.session_id, m.role, m.content, m.created_at, m.metadata, s.source FROM messages m JOIN sessions s ON s.id = m.session_id
          WHERE m.rowid > ? AND s.project_path = ? AND s.source IS NOT 'git'
            AND (json_extract(m.metadata, '$.commits') IS NOT NULL OR json_extract(m.metadata, '$.appliedEdits') IS NOT NULL
                 OR json_extract(m.metadata, '$.userCommits') IS NOT NULL)
          ORDER BY m.created_at, m.rowid`,
      )
      .all(afterRowid, project) as RawMessage[]
  ).map(toMessage);
}

/** The project's commits whose sha starts with `prefix` (lower-case hex), at most `limit`. */
export function commitsWithPrefix(db: Db, project: string, prefix: string, limit = 2): string[] {
  // A range on the unique (sha, project_path) index: every sha with the prefix sorts below prefix + 'g'.
  return db.prepare('SELECT sha FROM commits WHERE sha >= ? AND sha < ? AND project_path = ? LIMIT ?').pluck().all(prefix, `${prefix}g`, project, limit) as string[];
}

/**
 * The turn (its prompt's id, as turnRequest finds it) of each chat message of the project stored
 * after `rowid` (commit messages excluded), oldest first, at most `limit`. One pass over each
 * session with new messages (a running count of prompts numbers the turns), where asking
 * turnRequest per message re-scanned the session for each: minutes for a long session read at once.
 */
export function turnsOfMessagesAfter(db: Db, project: string, rowid: number, limit = 5000): { rowid: number; turn: string | null }[] {
  return db
    .prepare(
      `WITH batch AS (
         SELECT m.rowid AS rowid, m.session_id FROM messages m JOIN sessions s ON s.id = m.session_id
          WHERE s.project_path = @project AND m.rowid > @rowid AND s.source IS NOT 'git' ORDER BY m.rowid LIMIT @limit),
       numbered AS (
         SELECT rowid, id, session_id, created_at,
                sum(coalesce(json_extract(metadata, '$.kind') = 'prompt', 0)) OVER (PARTITION BY session_id ORDER BY created_at, rowid ROWS UNBOUNDED PRECEDING) AS turn_no
           FROM messages WHERE session_id IN (SELECT session_id FROM batch)),
       turns AS (
         SELECT rowid, CASE WHEN turn_no > 0 THEN first_value(id) OVER (PARTITION BY session_id, turn_no ORDER BY created_at, rowid) END AS turn FROM numbered)
       SELECT b.rowid, t.turn FROM batch b JOIN turns t ON t.rowid = b.rowid ORDER BY b.rowid`,
    )
    .all({ project, rowid, limit }) as { rowid: number; turn: string | null }[];
}

/** Repo-relative paths edited in the turn started by `requestId`. */
export function turnEditedPaths(db: Db, project: string, requestId: string): string[] {
  return (db.prepare('SELECT DISTINCT path FROM file_edits WHERE project_path = ? AND request_id = ? ORDER BY path').all(project, requestId) as { path: string }[]).map(
    (r) => r.path,
  );
}

/** Merges one commit's evidence into the (request, file) relationship, creating it when new. */
export function upsertIntentLinks(db: Db, links: IntentLinkInput[]): void {
  const get = db.prepare('SELECT metadata FROM relationships WHERE id = ?');
  const put = db.prepare(
    `INSERT INTO relationships (id, session_id, type, source_path, target_path, label, created_at, metadata, project_path)
     VALUES (?, ?, ${sqlType('intent_implementation')}, ?, ?, ?, ?, ?, ?)
     ON CONFLICT(id) DO UPDATE SET metadata = excluded.metadata, label = excluded.label, project_path = excluded.project_path`,
  );
  const now = new Date().toISOString();
  db.transaction(() => {
    for (const l of links) {
      const source = `msg:${l.requestId}`;
      const id = relationshipId('intent_implementation', l.project, source, l.path);
      const old = get.get(id) as { metadata: string } | undefined;
      const prev = old ? (JSON.parse(old.metadata) as { commits?: IntentCommitEntry[] }).commits ?? [] : [];
      const commits = [...prev.filter((c) => c.sha !== l.entry.sha), l.entry];
      const best = strongest(commits);
      const metadata = { project: l.project, commit: best.sha, patch_id: best.patchId, evidence: best.evidence, confidence: best.confidence, commits };
      put.run(id, l.sessionId, source, l.path, l.label, now, JSON.stringify(metadata), l.project);
    }
  }).immediate();
}

function strongest(entries: IntentCommitEntry[]): IntentCommitEntry {
  return entries.reduce((a, b) => (b.confidence >= a.confidence ? b : a));
}

/** Intent links of the project that point at any of `paths`. */
export function intentLinksForPaths(db: Db, project: string, paths: string[]): StoredIntent[] {
  if (paths.length === 0) return [];
  const marks = paths.map(() => '?').join(',');
  const rows = db
    .prepare(
      `SELECT id, session_id, source_path, target_path, metadata FROM relationships
        WHERE project_path = ? AND type = ${sqlType('intent_implementation')} AND target_path IN (${marks})`,
    )
    .all(project, ...paths) as { id: string; session_id: string | null; source_path: string; target_path: string; metadata: string }[];
  return rows.map(toStoredIntent);
}

/** Intent links of the project whose commits include `sha`. */
export function intentLinksForCommit(db: Db, project: string, sha: string): StoredIntent[] {
  const rows = db
    .prepare(
      `SELECT r.id, r.session_id, r.source_path, r.target_path, r.metadata FROM relationships r, json_each(r.metadata, '$.commits') j
        WHERE r.project_path = ? AND r.type = ${sqlType('intent_implementation')} AND json_extract(j.value, '$.sha') = ?`,
    )
    .all(project, sha) as { id: string; session_id: string | null; source_path: string; target_path: string; metadata: string }[];
  return rows.map(toStoredIntent);
}

/** Every intent link of the project (for benchmarks and `lore related`). */
export function intentLinks(db: Db, project: string): StoredIntent[] {
  const rows = db
    .prepare(`SELECT id, session_id, source_path, target_path, metadata FROM relationships WHERE project_path = ? AND type = ${sqlType('intent_implementation')}`)
    .all(project) as { id: string; session_id: string | null; source_path: string; target_path: string; metadata: string }[];
  return rows.map(toStoredIntent);
}

/** Old shas that the rewrite map says became `sha`. */
export function rewrittenInto(db: Db, project: string, sha: string): string[] {
  return (db.prepare('SELECT old_sha FROM commit_rewrites WHERE project_path = ? AND new_sha = ?').all(project, sha) as { old_sha: string }[]).map((r) => r.old_sha);
}

/** Other commits of the project with the same patch-id (the same change, rebased or cherry-picked). */
export function samePatchCommits(db: Db, project: string, sha: string, patchId: string | null): string[] {
  if (!patchId) return [];
  return (db.prepare('SELECT sha FROM commits WHERE project_path = ? AND patch_id = ? AND sha != ?').all(project, patchId, sha) as { sha: string }[]).map((r) => r.sha);
}

export interface MessageInfo {
  id: string;
  sessionId: string;
  content: string;
  createdAt: string;
  source: string | null;
  sessionTitle: string | null;
}

export function messageInfos(db: Db, ids: string[]): Map<string, MessageInfo> {
  const stmt = db.prepare('SELECT m.id, m.session_id, m.content, m.created_at, s.source, s.title FROM messages m LEFT JOIN sessions s ON s.id = m.session_id WHERE m.id = ?');
  const out = new Map<string, MessageInfo>();
  for (const id of ids) {
    const r = stmt.get(id) as { id: string; session_id: string; content: string; created_at: string; source: string | null; title: string | null } | undefined;
    if (r) out.set(id, { id: r.id, sessionId: r.session_id, content: r.content, createdAt: r.created_at, source: r.source, sessionTitle: r.title });
  }
  return out;
}

interface RawEdit {
  rowid: number;
  id: string;
  session_id: string;
  message_id: string | null;
  request_id: string | null;
  path: string;
  tool: string;
  old_text: string | null;
  new_text: string | null;
  patch: string | null;
  created_at: string | null;
  source: string | null;
}
interface RawMessage {
  rowid: number;
  id: string;
  session_id: string;
  role: string;
  content: string;
  created_at: string | null;
  metadata: string | null;
  source: string | null;
}

function toEdit(r: RawEdit): EditRow {
  return {
    rowid: r.rowid,
    id: r.id,
    sessionId: r.session_id,
    messageId: r.message_id,
    requestId: r.request_id,
    path: r.path,
    tool: r.tool,
    oldText: r.old_text,
    newText: r.new_text,
    patch: r.patch,
    createdAt: r.created_at ?? '',
    source: r.source,
  };
}

function toMessage(r: RawMessage): ChatMessage {
  let metadata: Record<string, unknown> = {};
  try {
    metadata = r.metadata ? (JSON.parse(r.metadata) as Record<string, unknown>) : {};
  } catch {
    // a malformed metadata blob is treated as empty
  }
  return {
    rowid: r.rowid,
    id: r.id,
    sessionId: r.session_id,
    role: r.role,
    kind: typeof metadata.kind === 'string' ? metadata.kind : null,
    content: r.content,
    createdAt: r.created_at ?? '',
    source: r.source,
    metadata,
  };
}

function toStoredIntent(r: { id: string; session_id: string | null; source_path: string; target_path: string; metadata: string }): StoredIntent {
  const m = JSON.parse(r.metadata) as { commits?: IntentCommitEntry[]; evidence?: string; confidence?: number };
  return {
    id: r.id,
    requestId: r.source_path.replace(/^msg:/, ''),
    sessionId: r.session_id,
    path: r.target_path,
    commits: m.commits ?? [],
    evidence: m.evidence ?? '',
    confidence: m.confidence ?? 0,
  };
}
