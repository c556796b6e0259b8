import type { Db, RelationshipType } from '../../src/db/index.js';

export interface SeedMessage {
  id: string;
  session: string;
  role?: 'user' | 'assistant' | 'system' | 'tool';
  content: string;
  at?: string;
  kind?: string;
  sha?: string;
}

/** Rows as the ingest stages would write them (ingest lands separately; tests write directly). */
export function seedSession(db: Db, s: { id: string; project: string; source: string; title?: string }): void {
  db.prepare('INSERT INTO sessions (id, project_path, title, source, created_at) VALUES (?, ?, ?, ?, ?)').run(s.id, s.project, s.title ?? null, s.source, '2026-01-01T00:00:00.000Z');
}

export function seedMessage(db: Db, m: SeedMessage): void {
  db.prepare('INSERT INTO messages (id, session_id, role, content, created_at, metadata) VALUES (?, ?, ?, ?, ?, ?)').run(
    m.id,
    m.session,
    m.role ?? 'user',
    m.content,
    m.at ?? '2026-01-02T00:00:00.000Z',
    JSON.stringify({ kind: m.kind ?? (m.role === 'assistant' ? 'text' : 'prompt'), ...(m.sha ? { sha: m.sha } : {}) }),
  );
}

export function seedLearning(db: Db, l: { id: string; content: string; files?: string[]; session?: string; at?: string; category?: string }): void {
  db.prepare('INSERT INTO learnings (id, session_id, category, content, related_files, created_at) VALUES (?, ?, ?, ?, ?, ?)').run(
    l.id,
    l.session ?? null,
    l.category ?? 'gotcha',
    l.content,
    JSON.stringify(l.files ?? []),
    l.at ?? '2026-01-03T00:00:00.000Z',
  );
}

export function seedFileEdit(db: Db, e: { id: string; session: string; message: string; project: string; path: string }): void {
  db.prepare('INSERT INTO file_edits (id, session_id, message_id, request_id, project_path, path, tool) VALUES (?, ?, ?, ?, ?, ?, ?)').run(e.id, e.session, e.message, null, e.project, e.path, 'Edit');
}

export function seedCommit(db: Db, c: { project: string; sha: string; subject: string; files: string[]; at?: number }): void {
  const at = c.at ?? 1767312000;
  db.prepare('INSERT OR IGNORE INTO sessions (id, project_path, title, source) VALUES (?, ?, ?, ?)').run(`git:${c.project}`, c.project, `git history of ${c.project}`, 'git');
  const { lastInsertRowid: id } = db
    .prepare(
      `INSERT INTO commits (project_path, sha, author_name, author_email, authored_at, committed_at, subject, body, parents) VALUES (?, ?, 'A', 'a@example.com', ?, ?, ?, '', '')`,
    )
    .run(c.project, c.sha, at, at, c.subject);
  // As commitWriter does: the files by the id the insert returned, not by looking the commit up again.
  const insertFile = db.prepare(`INSERT INTO commit_files (commit_id, path, status) VALUES (?, ?, 'M')`);
  for (const f of c.files) insertFile.run(id, f);
  seedMessage(db, { id: `git:${c.project}:${c.sha}`, session: `git:${c.project}`, role: 'system', content: c.subject, at: new Date(at * 1000).toISOString(), kind: 'commit', sha: c.sha });
}

export function seedRelationship(db: Db, r: { id: string; type: RelationshipType; source: string; target: string }): void {
  db.prepare('INSERT INTO relationships (id, type, source_path, target_path, metadata) VALUES (?, ?, ?, ?, ?)').run(r.id, r.type, r.source, r.target, '{"evidence":"test","confidence":1}');
}
