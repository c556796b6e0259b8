import type { Db } from '../../src/db/index.js';

/**
 * Writes chat sessions, messages and file edits straight into the ingest tables (migrations
 * 0001-0003), for link tests that do not need a transcript format.
 */
export class ChatRows {
  private n = 0;
  private turn: string | undefined;
  constructor(
    private readonly db: Db,
    readonly project: string,
    readonly sessionId: string,
    readonly source = 'claude-code',
  ) {
    db.prepare(`INSERT OR IGNORE INTO sessions (id, project_path, title, source, created_at) VALUES (?, ?, ?, ?, ?)`).run(sessionId, project, `session ${sessionId}`, source, '2026-01-01T00:00:00.000Z');
  }

  /** A human prompt that starts a turn; later messages and edits belong to it. */
  prompt(text: string, at: string): string {
    this.turn = this.message('user', 'prompt', text, at);
    return this.turn;
  }

  message(role: string, kind: string, text: string, at: string, metadata: Record<string, unknown> = {}): string {
    const id = `${this.sessionId}:m${++this.n}`;
    this.db
      .prepare('INSERT INTO messages (id, session_id, role, content, created_at, metadata) VALUES (?, ?, ?, ?, ?, ?)')
      .run(id, this.sessionId, role, text, at, JSON.stringify({ kind, ...metadata }));
    return id;
  }

  /** An edit tool call (and its assistant message) in the current turn. */
  edit(path: string, at: string, change: { old?: string; new?: string; tool?: string }): string {
    const msg = this.message('assistant', 'tool_call', `${change.tool ?? 'Edit'} ${path}`, at);
    const id = `${msg}#0`;
    this.db
      .prepare(
        `INSERT INTO file_edits (id, session_id, message_id, request_id, project_path, path, tool, old_text, new_text, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(id, this.sessionId, msg, this.turn ?? null, this.project, path, change.tool ?? (change.old === undefined ? 'Write' : 'Edit'), change.old ?? null, change.new ?? null, at);
    return id;
  }
}

/** The (request, file) pairs of the project's intent links, sorted, as `request -> file`. */
export function linkPairs(db: Db, project: string): string[] {
  const rows = db
    .prepare(`SELECT source_path, target_path FROM relationships WHERE type = 'intent_implementation' AND json_extract(metadata, '$.project') = ? ORDER BY 1, 2`)
    .all(project) as { source_path: string; target_path: string }[];
  return rows.map((r) => `${r.source_path.replace(/^msg:/, '')} -> ${r.target_path}`);
}
