-- Chat ingest, second step: sessions the user keeps out of lore (a `lore:private` prompt,
-- `lore forget`), so a later ingest of the same transcript does not bring them back; and a
-- metadata column on file_edits (MultiEdit index, replace_all, sizes, redaction counts).

CREATE TABLE ignored_sessions (
  id TEXT PRIMARY KEY,                 -- the sessions.id that is never stored again
  reason TEXT NOT NULL,                -- 'private-marker' | 'forgotten'
  created_at TIMESTAMP
);

ALTER TABLE file_edits ADD COLUMN metadata JSON;

CREATE INDEX idx_sessions_last_message ON sessions(last_message_at);
CREATE INDEX idx_source_files_source ON source_files(source);
