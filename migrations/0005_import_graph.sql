-- The import graph: one row per tracked TS/JS file (and per config file that steers module
-- resolution) with the content hash it was parsed at, so a run re-parses only what changed.
-- Edges live in `relationships` (type 'code_code'); relationships gets a project_path so edges of
-- one repository can be found, replaced and dropped without touching another's.

CREATE TABLE code_files (
  project_path TEXT NOT NULL,
  path TEXT NOT NULL,               -- repo-relative
  hash TEXT NOT NULL,               -- sha1 of the content
  size INTEGER NOT NULL,            -- bytes; with mtime_ms, lets a run skip reading unchanged files
  mtime_ms REAL NOT NULL,
  imports JSON,                     -- the module specifiers found, with kind and line; NULL for config files
  parser_version INTEGER NOT NULL,  -- a newer parser re-parses rows written by an older one
  parsed_at TIMESTAMP NOT NULL,
  PRIMARY KEY (project_path, path)
);

ALTER TABLE relationships ADD COLUMN project_path TEXT;
CREATE INDEX idx_relationships_project_source ON relationships(project_path, type, source_path);
CREATE INDEX idx_relationships_project_target ON relationships(project_path, type, target_path);
