-- Search: bookkeeping for embedding vectors (full text over messages is 0002's messages_fts, over
-- learnings 0006's learnings_fts). The vec0 tables themselves are created at run time by
-- src/db/vectors.ts, because their width depends on the configured embedding model (and they
-- need sqlite-vec loaded).

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
