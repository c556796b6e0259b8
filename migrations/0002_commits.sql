-- Commits as first-class rows, the files each one touched, rewrite maps, the hook event queue,
-- and full-text search over messages (chat and commit messages alike).

-- One row per repository lore has indexed. project_path is the realpath of the work tree top.
CREATE TABLE repos (
  project_path TEXT PRIMARY KEY,
  -- Shas whose whole ancestry is indexed: the next run logs `HEAD --not <tips>`.
  indexed_tips JSON NOT NULL DEFAULT '[]',
  -- Bytes of the hook queue file (<git dir>/lore/queue) already moved into hook_events.
  queue_offset INTEGER NOT NULL DEFAULT 0,
  indexed_at TIMESTAMP
);

CREATE TABLE commits (
  project_path TEXT NOT NULL,
  sha TEXT NOT NULL,
  author_name TEXT NOT NULL,
  author_email TEXT NOT NULL,
  authored_at INTEGER NOT NULL,   -- unix seconds
  committed_at INTEGER NOT NULL,  -- unix seconds
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  parents TEXT NOT NULL,          -- space-separated shas; '' for a root commit
  patch_id TEXT,                  -- `git patch-id --stable`; NULL for merges and empty commits
  indexed_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (project_path, sha)
);
CREATE INDEX idx_commits_time ON commits(project_path, committed_at);
CREATE INDEX idx_commits_patch_id ON commits(patch_id);
CREATE INDEX idx_commits_sha ON commits(sha);

CREATE TABLE commit_files (
  project_path TEXT NOT NULL,
  sha TEXT NOT NULL,
  path TEXT NOT NULL,             -- repo-relative, after the change
  status TEXT NOT NULL CHECK (status IN ('A', 'M', 'D', 'R', 'C', 'T')),
  old_path TEXT,                  -- for renames and copies
  added INTEGER,                  -- lines; NULL for binary files
  removed INTEGER,
  PRIMARY KEY (project_path, sha, path),
  FOREIGN KEY (project_path, sha) REFERENCES commits(project_path, sha) ON DELETE CASCADE
);
CREATE INDEX idx_commit_files_path ON commit_files(project_path, path);
CREATE INDEX idx_commit_files_old_path ON commit_files(project_path, old_path) WHERE old_path IS NOT NULL;

-- post-rewrite (rebase, amend) maps: links follow old -> new.
CREATE TABLE commit_rewrites (
  project_path TEXT NOT NULL,
  old_sha TEXT NOT NULL,
  new_sha TEXT NOT NULL,
  kind TEXT NOT NULL,             -- 'amend' | 'rebase'
  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (project_path, old_sha)
);

-- Events the git hooks appended to the queue file, made durable by the worker or the watcher.
CREATE TABLE hook_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  project_path TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('commit', 'merge', 'rewrite')),
  payload TEXT NOT NULL,          -- the sha, or 'old new' for a rewrite
  queued_at INTEGER,              -- unix seconds, as the hook wrote it
  processed_at TIMESTAMP
);
CREATE INDEX idx_hook_events_pending ON hook_events(project_path) WHERE processed_at IS NULL;

-- Full-text index over messages, kept in sync by triggers (external content: no second copy).
-- messages has no INTEGER PRIMARY KEY, so a VACUUM may renumber rowids: anything that vacuums
-- must run `INSERT INTO messages_fts(messages_fts) VALUES ('rebuild')` afterwards.
CREATE VIRTUAL TABLE messages_fts USING fts5(
  content,
  content = 'messages',
  content_rowid = 'rowid',
  tokenize = 'porter unicode61'
);
CREATE TRIGGER messages_fts_ai AFTER INSERT ON messages BEGIN
  INSERT INTO messages_fts(rowid, content) VALUES (new.rowid, new.content);
END;
CREATE TRIGGER messages_fts_ad AFTER DELETE ON messages BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.rowid, old.content);
END;
CREATE TRIGGER messages_fts_au AFTER UPDATE OF content ON messages BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.rowid, old.content);
  INSERT INTO messages_fts(rowid, content) VALUES (new.rowid, new.content);
END;
