-- Linking: which commits have been through request→change inference (so linking is
-- incremental), how far the message and edit streams were scanned, learnings' provenance, and
-- full-text search over learnings (for prior art and `lore search`).

-- One row per commit the link stage has processed. ai_tool: the tool a trailer names
-- ('aider', 'claude-code', ...), which says AI was involved even when no request is recorded.
CREATE TABLE linked_commits (
  project_path TEXT NOT NULL,
  sha TEXT NOT NULL,
  links INTEGER NOT NULL DEFAULT 0,
  ai_tool TEXT,
  linked_at TIMESTAMP,
  PRIMARY KEY (project_path, sha)
);

-- Per repository: rowids of file_edits and messages already scanned by the link stage.
CREATE TABLE link_state (
  project_path TEXT PRIMARY KEY,
  edits_rowid INTEGER NOT NULL DEFAULT 0,
  messages_rowid INTEGER NOT NULL DEFAULT 0,
  updated_at TIMESTAMP
);

-- Where a learning came from: 'compound' (docs/solutions), 'manual' (lore learn), 'extracted'
-- (found in a session). metadata: title, doc path and hash, message id, evidence.
ALTER TABLE learnings ADD COLUMN project_path TEXT;
ALTER TABLE learnings ADD COLUMN source TEXT;
ALTER TABLE learnings ADD COLUMN metadata JSON;
CREATE INDEX idx_learnings_project ON learnings(project_path);

-- Relationships are queried by target (which requests/decisions point at a file).
CREATE INDEX IF NOT EXISTS idx_relationships_target ON relationships(target_path);
CREATE INDEX IF NOT EXISTS idx_file_edits_created ON file_edits(project_path, created_at);

-- learnings has no INTEGER PRIMARY KEY: anything that vacuums must rebuild this index too.
CREATE VIRTUAL TABLE learnings_fts USING fts5(
  content,
  content = 'learnings',
  content_rowid = 'rowid',
  tokenize = 'porter unicode61'
);
CREATE TRIGGER learnings_fts_ai AFTER INSERT ON learnings BEGIN
  INSERT INTO learnings_fts(rowid, content) VALUES (new.rowid, new.content);
END;
CREATE TRIGGER learnings_fts_ad AFTER DELETE ON learnings BEGIN
  INSERT INTO learnings_fts(learnings_fts, rowid, content) VALUES ('delete', old.rowid, old.content);
END;
CREATE TRIGGER learnings_fts_au AFTER UPDATE OF content ON learnings BEGIN
  INSERT INTO learnings_fts(learnings_fts, rowid, content) VALUES ('delete', old.rowid, old.content);
  INSERT INTO learnings_fts(rowid, content) VALUES (new.rowid, new.content);
END;
