import type Database from 'better-sqlite3';
import type { Db } from './open.js';
import { dropVectors } from './vectors.js';

/**
 * Chat sessions, their messages and file edits, and the per-file cursors of the sources they
 * came from. Writers go through `writeIngestBatch`: one short immediate transaction that stores
 * rows and the cursor together, so a process killed at any point resumes to exactly the rows an
 * uninterrupted run gives. Every write is an upsert keyed by deterministic ids.
 */

export interface SessionRow {
  id: string;
  /** Repository top (realpath), or the cwd when it is not in a repository. */
  projectPath: string;
  source: string;
  title?: string | null;
  createdAt?: string | null;
  lastMessageAt?: string | null;
  /** Merged (JSON merge patch) into what is stored. */
  metadata?: Record<string, unknown> | null;
}

export interface MessageRow {
  id: string;
  sessionId: string;
  role: 'user' | 'assistant' | 'system' | 'tool';
  content: string;
  createdAt?: string | null;
  /** Must hold `kind` (DESIGN: 'prompt' | 'text' | 'thinking' | 'tool_call' | 'tool_result' | 'meta' | 'commit'). */
  metadata: Record<string, unknown> & { kind: string };
}

export interface FileEditRow {
  id: string;
  sessionId: string;
  messageId?: string | null;
  requestId?: string | null;
  projectPath: string;
  /** Repo-relative inside the repository, absolute outside it. */
  path: string;
  tool: string;
  oldText?: string | null;
  newText?: string | null;
  /** The tool's own hunks of the change (unified diff), when its transcript has them. */
  patch?: string | null;
  createdAt?: string | null;
  metadata?: Record<string, unknown> | null;
}

export interface SourceFileRow {
  path: string;
  source: string;
  size: number;
  mtimeMs: number;
  offset: number;
  headHash?: string | null;
  state?: unknown;
  /** Total malformed records skipped in this file so far. */
  skipped: number;
  updatedAt?: string;
}

export interface IngestBatch {
  sessions?: SessionRow[];
  messages?: MessageRow[];
  edits?: FileEditRow[];
  /** Saved in the same transaction as the rows. */
  cursor?: SourceFileRow;
  /** Several files' cursors (rows of several small files share a transaction). */
  cursors?: SourceFileRow[];
  /** Sessions whose totals (redactions, message count) are recomputed in this transaction. */
  finishSessions?: string[];
}

const cache = new WeakMap<Db, Map<string, Database.Statement>>();

function stmt(db: Db, sql: string): Database.Statement {
  let m = cache.get(db);
  if (!m) cache.set(db, (m = new Map()));
  let s = m.get(sql);
  if (!s) m.set(sql, (s = db.prepare(sql)));
  return s;
}

const json = (v: unknown): string | null => (v === undefined || v === null ? null : JSON.stringify(v));

const UPSERT_SESSION = `
INSERT INTO sessions (id, project_path, title, created_at, last_message_at, source, metadata)
VALUES (@id, @projectPath, @title, @createdAt, @lastMessageAt, @source, @metadata)
ON CONFLICT(id) DO UPDATE SET
  project_path = CASE WHEN excluded.project_path <> '' THEN excluded.project_path ELSE sessions.project_path END,
  title = coalesce(excluded.title, sessions.title),
  created_at = CASE WHEN sessions.created_at IS NULL OR excluded.created_at < sessions.created_at THEN coalesce(excluded.created_at, sessions.created_at) ELSE sessions.created_at END,
  last_message_at = CASE WHEN sessions.last_message_at IS NULL OR excluded.last_message_at > sessions.last_message_at THEN coalesce(excluded.last_message_at, sessions.last_message_at) ELSE sessions.last_message_at END,
  source = coalesce(excluded.source, sessions.source),
  metadata = CASE WHEN excluded.metadata IS NULL THEN sessions.metadata ELSE json_patch(coalesce(sessions.metadata, '{}'), excluded.metadata) END`;

// The WHERE keeps a re-read of unchanged lines from rewriting rows (and the FTS index). A message
// that grows (a streamed reply's next line) takes the later time, never an earlier one, so a run
// cut into many batches ends with the times of one uninterrupted run; a re-read changes no time.
//
// A batch's messages go in through one statement, from a per-connection temp table: each statement
// that fires the full-text trigger inside a transaction opens a savepoint, and FTS5 writes its
// pending terms to disk as a new index segment at every savepoint, so one statement per message
// made one segment per message (and the merges and statement journals that follow). One statement
// makes one segment per batch; the rows, their order and so their rowids are the same.
const STAGE_TABLE = 'temp.lore_ingest_messages';
const CREATE_STAGE = `CREATE TEMP TABLE IF NOT EXISTS lore_ingest_messages (
  seq INTEGER PRIMARY KEY, id TEXT, session_id TEXT, role TEXT, content TEXT, created_at TEXT, metadata TEXT)`;
const STAGE_MESSAGE = `INSERT INTO ${STAGE_TABLE} (id, session_id, role, content, created_at, metadata) VALUES (?, ?, ?, ?, ?, ?)`;
const UPSERT_STAGED_MESSAGES = `
INSERT INTO messages (id, session_id, role, content, created_at, metadata)
SELECT id, session_id, role, content, created_at, metadata FROM ${STAGE_TABLE} WHERE true ORDER BY seq
ON CONFLICT(id) DO UPDATE SET
  role = excluded.role, content = excluded.content, metadata = excluded.metadata,
  created_at = CASE WHEN messages.created_at IS NULL OR excluded.created_at > messages.created_at THEN coalesce(excluded.created_at, messages.created_at) ELSE messages.created_at END
WHERE messages.content IS NOT excluded.content OR messages.metadata IS NOT excluded.metadata OR messages.role IS NOT excluded.role
RETURNING rowid`;
const CLEAR_STAGE = `DELETE FROM ${STAGE_TABLE}`;

// The embed stage walks messages by rowid behind a cursor (src/db/vectors.ts). A row it has passed
// that changes (a streamed assistant message whose first line was a tool call and whose next line
// is text: it was skipped, now it needs a vector) moves the cursor back before it, or it would
// never get its vector (found by the crash suite's lore watch trials: batch boundaries differ).
// Moving it back to the lowest changed row's predecessor once equals doing so for each changed row.
const REWIND_EMBED_CURSOR = `
UPDATE vector_meta SET value = CAST(? AS TEXT) WHERE key = 'cursor:message' AND CAST(value AS INTEGER) > ?`;

const UPSERT_EDIT = `
INSERT INTO file_edits (id, session_id, message_id, request_id, project_path, path, tool, old_text, new_text, patch, created_at, metadata)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT(id) DO UPDATE SET
  message_id = excluded.message_id, request_id = excluded.request_id, project_path = excluded.project_path,
  path = excluded.path, tool = excluded.tool, old_text = excluded.old_text, new_text = excluded.new_text,
  patch = coalesce(excluded.patch, file_edits.patch), created_at = excluded.created_at, metadata = excluded.metadata
WHERE file_edits.path IS NOT excluded.path OR file_edits.old_text IS NOT excluded.old_text OR file_edits.new_text IS NOT excluded.new_text
   OR (excluded.patch IS NOT NULL AND file_edits.patch IS NOT excluded.patch)
   OR file_edits.request_id IS NOT excluded.request_id OR file_edits.metadata IS NOT excluded.metadata OR file_edits.project_path IS NOT excluded.project_path
RETURNING rowid`;

// The link stage reads edits by rowid from where it stopped: an edit stored before and changed now
// (its result brought the hunks the tool wrote) moves to the end, so its commit is linked again.
const LAST_EDIT_ROWID = 'SELECT coalesce(max(rowid), 0) AS n FROM file_edits';
const MOVE_EDIT_LAST = 'UPDATE file_edits SET rowid = (SELECT max(rowid) FROM file_edits) + 1 WHERE rowid = ?';

const UPSERT_CURSOR = `
INSERT INTO source_files (path, source, size, mtime_ms, offset, head_hash, state, skipped, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT(path) DO UPDATE SET
  source = excluded.source, size = excluded.size, mtime_ms = excluded.mtime_ms, offset = excluded.offset,
  head_hash = excluded.head_hash, state = excluded.state, skipped = excluded.skipped, updated_at = excluded.updated_at`;

const FINISH_SESSION = `
UPDATE sessions SET metadata = json_set(coalesce(metadata, '{}'),
  '$.redactions',
    (SELECT coalesce(sum(json_extract(metadata, '$.redactions')), 0) FROM messages WHERE session_id = @id)
  + (SELECT coalesce(sum(json_extract(metadata, '$.redactions')), 0) FROM file_edits WHERE session_id = @id),
  '$.messages', (SELECT count(*) FROM messages WHERE session_id = @id),
  '$.edits', (SELECT count(*) FROM file_edits WHERE session_id = @id))
WHERE id = @id`;

/**
 * Stores a batch in one immediate transaction: sessions, messages (an existing id gets the new
 * content: streamed assistant lines grow one message), file edits, then the cursor. Sessions'
 * created_at / last_message_at widen to the messages' times.
 */
export function writeIngestBatch(db: Db, batch: IngestBatch): void {
  const messages = batch.messages ?? [];
  if (messages.length > 0 && !staged.has(db)) {
    // Outside the transaction, before any statement names the table.
    db.exec(CREATE_STAGE);
    staged.add(db);
  }
  const upsertSession = stmt(db, UPSERT_SESSION);
  const upsertEdit = stmt(db, UPSERT_EDIT);
  const widen = stmt(
    db,
    `UPDATE sessions SET
       created_at = CASE WHEN created_at IS NULL OR ? < created_at THEN ? ELSE created_at END,
       last_message_at = CASE WHEN last_message_at IS NULL OR ? > last_message_at THEN ? ELSE last_message_at END
     WHERE id = ?`,
  );
  db.transaction(() => {
    for (const s of batch.sessions ?? []) {
      upsertSession.run({
        id: s.id,
        projectPath: s.projectPath,
        title: s.title ?? null,
        createdAt: s.createdAt ?? null,
        lastMessageAt: s.lastMessageAt ?? null,
        source: s.source,
        metadata: json(s.metadata),
      });
    }
    const span = new Map<string, { min: string; max: string }>();
    if (messages.length > 0) {
      const stage = stmt(db, STAGE_MESSAGE);
      for (const m of messages) {
        stage.run(m.id, m.sessionId, m.role, m.content, m.createdAt ?? null, JSON.stringify(m.metadata));
        if (m.createdAt) {
          const t = span.get(m.sessionId);
          if (!t) span.set(m.sessionId, { min: m.createdAt, max: m.createdAt });
          else {
            if (m.createdAt < t.min) t.min = m.createdAt;
            if (m.createdAt > t.max) t.max = m.createdAt;
          }
        }
      }
      const changed = stmt(db, UPSERT_STAGED_MESSAGES).raw().all() as [number][];
      stmt(db, CLEAR_STAGE).run();
      if (changed.length > 0) {
        let lowest = changed[0]![0];
        for (const [rowid] of changed) if (rowid < lowest) lowest = rowid;
        stmt(db, REWIND_EMBED_CURSOR).run(lowest - 1, lowest - 1);
      }
    }
    for (const [id, t] of span) widen.run(t.min, t.min, t.max, t.max, id);
    const edits = batch.edits ?? [];
    const stored = edits.length > 0 ? (stmt(db, LAST_EDIT_ROWID).get() as { n: number }).n : 0;
    for (const e of edits) {
      const changed = upsertEdit.get(e.id, e.sessionId, e.messageId ?? null, e.requestId ?? null, e.projectPath, e.path, e.tool, e.oldText ?? null, e.newText ?? null, e.patch ?? null, e.createdAt ?? null, json(e.metadata)) as { rowid: number } | undefined;
      if (changed && changed.rowid <= stored) stmt(db, MOVE_EDIT_LAST).run(changed.rowid);
    }
    for (const id of batch.finishSessions ?? []) stmt(db, FINISH_SESSION).run({ id });
    const now = new Date().toISOString();
    for (const c of [...(batch.cursors ?? []), ...(batch.cursor ? [batch.cursor] : [])]) {
      stmt(db, UPSERT_CURSOR).run(c.path, c.source, c.size, Math.trunc(c.mtimeMs), c.offset, c.headHash ?? null, json(c.state), c.skipped, now);
    }
  }).immediate();
}

/** Connections whose temp table for staged messages exists. */
const staged = new WeakSet<Db>();

interface RawCursor {
  path: string;
  source: string;
  size: number;
  mtime_ms: number;
  offset: number;
  head_hash: string | null;
  state: string | null;
  skipped: number;
  updated_at: string;
}

const toCursor = (r: RawCursor): SourceFileRow => ({
  path: r.path,
  source: r.source,
  size: r.size,
  mtimeMs: r.mtime_ms,
  offset: r.offset,
  headHash: r.head_hash,
  state: r.state === null ? undefined : (JSON.parse(r.state) as unknown),
  skipped: r.skipped,
  updatedAt: r.updated_at,
});

export function getSourceFile(db: Db, path: string): SourceFileRow | undefined {
  const r = stmt(db, 'SELECT * FROM source_files WHERE path = ?').get(path) as RawCursor | undefined;
  return r && toCursor(r);
}

/** A transcript's size and modification time as last read, by path. */
export type SourceStamps = Map<string, { size: number; mtimeMs: number }>;

/**
 * What the stat-only check compares, for every file read before: its size and modification time
 * (from an index of its own, migration 0017), without building a whole cursor for each.
 */
export function sourceStamps(db: Db, paths?: readonly string[]): SourceStamps {
  const out: SourceStamps = new Map();
  if (paths) {
    // A few files of a large table (a query's scoped catch-up): one read of the stamp index each
    // (SQLite would take the primary key's and then the row, which holds the resume state).
    const one = stmt(db, 'SELECT size, mtime_ms FROM source_files INDEXED BY idx_source_files_stamp WHERE path = ?').raw();
    for (const path of paths) {
      const row = one.get(path) as [number, number] | undefined;
      if (row) out.set(path, { size: row[0], mtimeMs: row[1] });
    }
    return out;
  }
  for (const [path, size, mtimeMs] of stmt(db, 'SELECT path, size, mtime_ms FROM source_files').raw().all() as [string, number, number][]) out.set(path, { size, mtimeMs });
  return out;
}

/** A file's cursor without the adapter state (undefined for a file never read). */
export function sourceFileCursor(db: Db, path: string): Omit<SourceFileRow, 'state'> | undefined {
  const r = stmt(db, 'SELECT path, source, size, mtime_ms, offset, head_hash, NULL AS state, skipped, updated_at FROM source_files WHERE path = ?').get(path) as RawCursor | undefined;
  return r && toCursor(r);
}

/** Whether the user kept this session out of lore (private marker, `lore forget`). */
export function isSessionIgnored(db: Db, id: string): boolean {
  return stmt(db, 'SELECT 1 FROM ignored_sessions WHERE id = ?').get(id) !== undefined;
}

export function ignoredSessionIds(db: Db): Set<string> {
  return new Set((stmt(db, 'SELECT id FROM ignored_sessions').all() as { id: string }[]).map((r) => r.id));
}

/**
 * Deletes a session and everything derived from it, in one transaction: its messages (and their
 * FTS rows and vectors), file edits, relationships naming it or its messages (requests, decisions,
 * prior art), the learnings extracted from it (with their FTS rows, vectors and relationships),
 * and the reading state of its transcript (which holds text such as the title); then records it as
 * ignored so no later ingest brings it back. Learnings of other kinds that name it keep their text
 * but lose the link. Returns whether it existed.
 */
export function forgetSession(db: Db, id: string, reason: 'private-marker' | 'forgotten'): boolean {
  let existed = false;
  db.transaction(() => {
    existed = deleteSessionRows(db, id);
    stmt(db, 'INSERT INTO ignored_sessions (id, reason, created_at) VALUES (?, ?, ?) ON CONFLICT(id) DO NOTHING').run(id, reason, new Date().toISOString());
  }).immediate();
  return existed;
}

/**
 * Deletes a session and everything derived from it, as forgetSession does, without recording it
 * as ignored: for rows `lore sync` imported of a session a teammate forgot, whose tombstone in the
 * notes keeps it out of later imports. Returns whether it existed.
 */
export function dropSession(db: Db, id: string): boolean {
  return deleteSessionRows(db, id);
}

/** A session and its subagents (`<id>/agent-…`): what forgetting the session forgets. */
export function sessionFamily(db: Db, id: string): string[] {
  const like = `${id.replace(/[\\%_]/g, (c) => `\\${c}`)}/%`;
  return [id, ...(stmt(db, `SELECT id FROM sessions WHERE id LIKE ? ESCAPE '\\' ORDER BY id`).all(like) as { id: string }[]).map((r) => r.id)];
}

/** forgetSession for each of `ids`, and purgeDeletedText, all in one transaction. */
export function forgetSessions(db: Db, ids: string[], reason: 'private-marker' | 'forgotten'): void {
  db.transaction(() => {
    for (const id of ids) forgetSession(db, id, reason);
    purgeDeletedText(db);
  }).immediate();
}

/**
 * FTS5 deletes leave the words of a deleted row in the index's segments (tombstoned) until a merge:
 * after a forget, merge both full-text indexes so no word of a forgotten session stays in the
 * file. It rewrites the indexes: run once per command, not per session (docs/performance.md).
 */
export function purgeDeletedText(db: Db): void {
  stmt(db, "INSERT INTO messages_fts(messages_fts) VALUES('optimize')").run();
  stmt(db, "INSERT INTO learnings_fts(learnings_fts) VALUES('optimize')").run();
}

function deleteSessionRows(db: Db, id: string): boolean {
  const learnings = (stmt(db, `SELECT id FROM learnings WHERE session_id = ? AND coalesce(source, 'extracted') = 'extracted'`).all(id) as { id: string }[]).map((r) => r.id);
  const messages = (stmt(db, 'SELECT id FROM messages WHERE session_id = ?').all(id) as { id: string }[]).map((r) => r.id);
  forgetCursors(db, id);
  // The commits its requests were linked to lose their AI-written line counts, which its edits
  // fed: the link stage counts them again from the edits that remain.
  const linked = stmt(
    db,
    `SELECT DISTINCT r.project_path AS project, json_extract(j.value, '$.sha') AS sha FROM relationships r, json_each(r.metadata, '$.commits') j
      WHERE r.session_id = ? AND r.type = 'intent_implementation' AND json_valid(r.metadata)`,
  ).all(id) as { project: string; sha: string }[];
  for (const { project, sha } of linked) {
    stmt(db, 'DELETE FROM commit_ai_lines WHERE project_path = ? AND sha = ?').run(project, sha);
    stmt(db, 'UPDATE linked_commits SET ai_counted = NULL WHERE project_path = ? AND sha = ?').run(project, sha);
  }
  stmt(db, `DELETE FROM relationships WHERE session_id = ?`).run(id);
  stmt(db, `DELETE FROM relationships WHERE source_path IN (SELECT 'msg:' || id FROM messages WHERE session_id = ?)`).run(id);
  stmt(db, `DELETE FROM relationships WHERE target_path IN (SELECT 'msg:' || id FROM messages WHERE session_id = ?)`).run(id);
  stmt(db, `DELETE FROM relationships WHERE source_path = ? OR target_path = ?`).run(`session:${id}`, `session:${id}`);
  const byLearning = stmt(db, 'DELETE FROM relationships WHERE source_path = ? OR target_path = ?');
  for (const l of learnings) byLearning.run(`learning:${l}`, `learning:${l}`);
  dropVectors(db, 'message', messages);
  dropVectors(db, 'learning', learnings);
  stmt(db, `DELETE FROM learnings WHERE session_id = ? AND coalesce(source, 'extracted') = 'extracted'`).run(id);
  stmt(db, 'UPDATE learnings SET session_id = NULL WHERE session_id = ?').run(id);
  stmt(db, 'DELETE FROM file_edits WHERE session_id = ?').run(id);
  stmt(db, 'DELETE FROM messages WHERE session_id = ?').run(id);
  return stmt(db, 'DELETE FROM sessions WHERE id = ?').run(id).changes > 0;
}

/**
 * An adapter's reading state (a title, a pending prompt, ...) may hold the session's text: the
 * cursors of its transcript (named in its metadata, or whose state names its native id) keep their
 * size and mtime (an unchanged file is still not read again) but restart from the top, stateless,
 * when the file changes; the session is ignored by then.
 */
function forgetCursors(db: Db, id: string): void {
  const file = (stmt(db, `SELECT json_extract(metadata, '$.file') AS file FROM sessions WHERE id = ? AND json_valid(metadata)`).get(id) as { file: unknown } | undefined)?.file;
  const native = id.slice(id.indexOf(':') + 1).split('/')[0]!;
  const like = `%${native.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  stmt(db, `UPDATE source_files SET offset = 0, state = NULL WHERE path = ? OR (length(?) >= 8 AND state LIKE ? ESCAPE '\\')`).run(typeof file === 'string' ? file : null, native, like);
}

/** Forgets every chat session of a project (not its git history). Returns the ids forgotten. */
export function forgetProject(db: Db, projectPath: string): string[] {
  const ids = (stmt(db, `SELECT id FROM sessions WHERE project_path = ? AND coalesce(source, '') <> 'git'`).all(projectPath) as { id: string }[]).map((r) => r.id);
  forgetSessions(db, ids, 'forgotten');
  return ids;
}

export interface SessionSummary {
  id: string;
  projectPath: string;
  source: string | null;
  title: string | null;
  createdAt: string | null;
  lastMessageAt: string | null;
  messages: number;
  edits: number;
  metadata: Record<string, unknown>;
}

interface RawSession {
  id: string;
  project_path: string;
  source: string | null;
  title: string | null;
  created_at: string | null;
  last_message_at: string | null;
  metadata: string | null;
  messages: number;
  edits: number;
}

const toSummary = (r: RawSession): SessionSummary => ({
  id: r.id,
  projectPath: r.project_path,
  source: r.source,
  title: r.title === null ? null : firstLine(r.title),
  createdAt: r.created_at,
  lastMessageAt: r.last_message_at,
  messages: r.messages,
  edits: r.edits,
  metadata: r.metadata ? (JSON.parse(r.metadata) as Record<string, unknown>) : {},
});

/** A session title is one line of a list: at most this many characters (src/ingest/normalize.ts cuts them). */
export const TITLE_CHARS = 200;

function firstLine(text: string): string {
  const line = text.trimStart().split('\n', 1)[0]!.trimEnd();
  return line.length <= TITLE_CHARS ? line : `${line.slice(0, TITLE_CHARS).trimEnd()}\u2026`;
}

// A session without a title of its own (one where only commands were typed, such as Aider's `/web
// URL`) is named by the first thing typed in it, stored redacted like every message.
const SESSION_COLUMNS = `s.id, s.project_path, s.source, s.created_at, s.last_message_at, s.metadata,
  coalesce(s.title, (SELECT substr(m.content, 1, ${TITLE_CHARS * 2}) FROM messages m WHERE m.session_id = s.id AND m.role = 'user' ORDER BY m.rowid LIMIT 1)) AS title,
  (SELECT count(*) FROM messages m WHERE m.session_id = s.id) AS messages,
  (SELECT count(*) FROM file_edits e WHERE e.session_id = s.id) AS edits`;

export interface SessionFilter {
  project?: string;
  source?: string;
  /** ISO time: sessions active at or after it. */
  since?: string;
  limit?: number;
  /** Include the per-repo `git:` sessions of commit messages (default false). */
  includeGit?: boolean;
  /** Only sessions where the user typed something (an AI tool started and left at once has none). */
  typedOnly?: boolean;
}

const TYPED = `EXISTS (SELECT 1 FROM messages m WHERE m.session_id = s.id AND m.role = 'user')`;

/** Chat sessions, most recently active first. */
export function listSessions(db: Db, filter: SessionFilter = {}): SessionSummary[] {
  const { where, params } = sessionWhere(filter);
  if (filter.typedOnly) where.push(TYPED);
  const sql = `SELECT ${SESSION_COLUMNS} FROM sessions s ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY coalesce(s.last_message_at, s.created_at) DESC, s.id LIMIT ?`;
  return (db.prepare(sql).all(...params, filter.limit ?? -1) as RawSession[]).map(toSummary);
}

/** How many sessions match `filter` with nothing the user typed (listSessions' typedOnly leaves them out). */
export function countUntypedSessions(db: Db, filter: Omit<SessionFilter, 'limit' | 'typedOnly'> = {}): number {
  const { where, params } = sessionWhere(filter);
  where.push(`NOT ${TYPED}`);
  return (db.prepare(`SELECT count(*) AS n FROM sessions s WHERE ${where.join(' AND ')}`).get(...params) as { n: number }).n;
}

function sessionWhere(filter: SessionFilter): { where: string[]; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  if (!filter.includeGit) where.push(`coalesce(s.source, '') <> 'git'`);
  if (filter.project) {
    where.push('s.project_path = ?');
    params.push(filter.project);
  }
  if (filter.source) {
    where.push('s.source = ?');
    params.push(filter.source);
  }
  if (filter.since) {
    where.push('coalesce(s.last_message_at, s.created_at) >= ?');
    params.push(filter.since);
  }
  return { where, params };
}

/** A session by id, or by a unique prefix of its id or of its native id (the part after `<tool>:`). */
export function findSessions(db: Db, idOrPrefix: string): SessionSummary[] {
  const exact = stmt(db, `SELECT ${SESSION_COLUMNS} FROM sessions s WHERE s.id = ?`).get(idOrPrefix) as RawSession | undefined;
  if (exact) return [toSummary(exact)];
  const like = idOrPrefix.replace(/[\\%_]/g, (c) => `\\${c}`) + '%';
  const esc = (t: string) => t.replace(/[\\%_]/g, (c) => `\\${c}`);
  // A short id (`claude-code:3fe1b6bc`, or a subagent's `claude-code:3fe1b6bc/agent-1`) stands for the UUID it starts.
  const short = /^([\w-]+:)?([0-9a-f]{8})(\/.*)?$/i.exec(idOrPrefix);
  const pattern = short ? `${esc(short[1] ?? '')}${short[2]}${'_'.repeat(28)}${esc(short[3] ?? '')}` : '';
  // Ids first, all of them: a session with many subagents must not crowd another session that
  // shares the prefix out of a capped list (and so make the prefix look unique).
  const ids = (
    stmt(
      db,
      `SELECT s.id FROM sessions s
        WHERE s.id LIKE @like ESCAPE '\\' OR substr(s.id, instr(s.id, ':') + 1) LIKE @like ESCAPE '\\'
           OR s.id LIKE @pattern ESCAPE '\\' OR substr(s.id, instr(s.id, ':') + 1) LIKE @pattern ESCAPE '\\'
        ORDER BY s.id`,
    ).all({ like, pattern }) as { id: string }[]
  ).map((r) => r.id);
  // A whole native id is meant as itself, also when it starts another (Aider's `<hash>-10` and `<hash>-1024`).
  const whole = ids.filter((id) => id.slice(id.indexOf(':') + 1) === idOrPrefix);
  if (whole.length === 1) return summariesOf(db, whole);
  // A session and its subagents share a prefix: the session itself is meant. Two sessions (each
  // with or without subagents) are two candidates, never one picked silently.
  const matched = new Set(ids);
  const tops = ids.filter((id) => !hasParentIn(id, matched));
  // Every candidate, uncapped: the caller says how many a prefix matched, and a capped list made
  // `lore show aider` claim 20 of 435 sessions. Only an ambiguous prefix pays for a long list.
  return summariesOf(db, tops);
}

/** Whether a parent of `id` (`<parent>/agent-…`) is in `ids`. */
function hasParentIn(id: string, ids: Set<string>): boolean {
  for (let at = id.lastIndexOf('/'); at > 0; at = id.lastIndexOf('/', at - 1)) if (ids.has(id.slice(0, at))) return true;
  return false;
}

function summariesOf(db: Db, ids: string[]): SessionSummary[] {
  return ids.map((id) => toSummary(stmt(db, `SELECT ${SESSION_COLUMNS} FROM sessions s WHERE s.id = ?`).get(id) as RawSession));
}

export interface StoredMessage {
  id: string;
  role: string;
  content: string;
  createdAt: string | null;
  metadata: Record<string, unknown>;
}

/** A session's messages in order (time, then insertion). */
export function sessionMessages(db: Db, sessionId: string): StoredMessage[] {
  const rows = stmt(db, 'SELECT id, role, content, created_at, metadata FROM messages WHERE session_id = ? ORDER BY coalesce(created_at, \'\'), rowid').all(sessionId) as {
    id: string;
    role: string;
    content: string;
    created_at: string | null;
    metadata: string | null;
  }[];
  return rows.map((r) => ({ id: r.id, role: r.role, content: r.content, createdAt: r.created_at, metadata: r.metadata ? (JSON.parse(r.metadata) as Record<string, unknown>) : {} }));
}

export interface StoredEdit {
  id: string;
  sessionId: string;
  messageId: string | null;
  requestId: string | null;
  projectPath: string;
  path: string;
  tool: string;
  oldText: string | null;
  newText: string | null;
  createdAt: string | null;
  metadata: Record<string, unknown>;
}

interface RawEdit {
  id: string;
  session_id: string;
  message_id: string | null;
  request_id: string | null;
  project_path: string;
  path: string;
  tool: string;
  old_text: string | null;
  new_text: string | null;
  created_at: string | null;
  metadata: string | null;
}

const toEdit = (r: RawEdit): StoredEdit => ({
  id: r.id,
  sessionId: r.session_id,
  messageId: r.message_id,
  requestId: r.request_id,
  projectPath: r.project_path,
  path: r.path,
  tool: r.tool,
  oldText: r.old_text,
  newText: r.new_text,
  createdAt: r.created_at,
  metadata: r.metadata ? (JSON.parse(r.metadata) as Record<string, unknown>) : {},
});

/** Whether an edit with this id is stored. */
export function isStoredEdit(db: Db, id: string): boolean {
  return stmt(db, 'SELECT 1 FROM file_edits WHERE id = ?').get(id) !== undefined;
}

export function sessionEdits(db: Db, sessionId: string): StoredEdit[] {
  return (stmt(db, 'SELECT * FROM file_edits WHERE session_id = ? ORDER BY coalesce(created_at, \'\'), rowid').all(sessionId) as RawEdit[]).map(toEdit);
}

/** The project a stored session belongs to, if it is stored. */
export function sessionProject(db: Db, id: string): string | undefined {
  return (stmt(db, 'SELECT project_path FROM sessions WHERE id = ?').get(id) as { project_path: string } | undefined)?.project_path;
}
