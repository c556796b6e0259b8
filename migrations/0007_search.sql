-- Search: full-text over learnings (messages_fts exists since 0002), and the bookkeeping for
-- embedding vectors. The vec0 tables themselves are created at run time by src/db/vectors.ts,
-- because their width depends on the configured embedding model (and they need sqlite-vec loaded).

CREATE VIRTUAL TABLE learnings_fts USING fts5(
  content,
  content = 'learnings',
  content_rowid = 'rowid',
  tokenize = 'porter unicode61'
);
INSERT INTO learnings_fts(learnings_fts) VALUES ('rebuild');
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

-- One row per embedded item; its id is the rowid of the item's vector in the vec0 tables.
CREATE TABLE vector_items (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('message', 'learning')),
  ref TEXT NOT NULL,               -- messages.id or learnings.id
  UNIQUE (kind, ref)
);

-- Which model made the stored vectors, their width, and how far each table has been embedded
-- (keys: 'model', 'dims', 'cursor:message', 'cursor:learning' = the last rowid embedded).
CREATE TABLE vector_meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

-- Search lists the files a hit is linked to, from either end of a relationship.
CREATE INDEX IF NOT EXISTS idx_relationships_target ON relationships(target_path);
