-- Chat-source ingest: where each transcript file was read up to, the file edits found in
-- sessions (linked to commits later), and per-session facts the seed schema has no column for.

ALTER TABLE sessions ADD COLUMN source TEXT;        -- 'claude-code' | 'codex' | 'git' | ...
ALTER TABLE sessions ADD COLUMN metadata JSON;      -- cwd, model, redaction counts, source file
CREATE INDEX idx_sessions_source ON sessions(source);

-- A cursor per transcript file (or per store, for SQLite-backed sources).
CREATE TABLE source_files (
  path TEXT PRIMARY KEY,
  source TEXT NOT NULL,
  size INTEGER NOT NULL,
  mtime_ms INTEGER NOT NULL,
  offset INTEGER NOT NULL DEFAULT 0,   -- byte offset after the last complete line consumed
  head_hash TEXT,                      -- hash of the first bytes: a rewrite changes it
  state JSON,                          -- adapter-specific resume state (line number, turn, ...)
  skipped INTEGER NOT NULL DEFAULT 0,  -- malformed records skipped so far
  updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP
);

-- A file edit made by a tool call, in a session.
CREATE TABLE file_edits (
  id TEXT PRIMARY KEY,                 -- '<message id>#<n>'
  session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  message_id TEXT,                     -- the assistant/tool message that carried the call
  request_id TEXT,                     -- the human prompt that started the turn ('msg' id)
  project_path TEXT NOT NULL,
  path TEXT NOT NULL,                  -- repo-relative when inside the repo, else absolute
  tool TEXT NOT NULL,                  -- 'Edit', 'Write', 'apply_patch', ...
  old_text TEXT,
  new_text TEXT,
  created_at TIMESTAMP
);
CREATE INDEX idx_file_edits_path ON file_edits(project_path, path);
CREATE INDEX idx_file_edits_session ON file_edits(session_id);
CREATE INDEX idx_file_edits_request ON file_edits(request_id);
