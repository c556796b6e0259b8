-- Provenance other attribution tools leave in git (issue 16): per commit and file, which AI tool
-- wrote how many of its lines, by that tool's own record. source: 'git-ai' (refs/notes/ai).
-- conversation: the tool's own session id ('' when the record has none).
CREATE TABLE commit_provenance (
  project_path TEXT NOT NULL,
  sha TEXT NOT NULL,
  path TEXT NOT NULL,
  source TEXT NOT NULL,
  tool TEXT NOT NULL,
  model TEXT,
  conversation TEXT NOT NULL DEFAULT '',
  human TEXT,
  lines INTEGER,
  ranges TEXT,
  PRIMARY KEY (project_path, sha, path, source, tool, conversation)
);
CREATE INDEX idx_commit_provenance_path ON commit_provenance(project_path, path);
