-- Storing commits is most of a first backfill's time, and most of that went to keys, not data:
-- every commit_files row repeated (project_path, sha) as text in its own primary key, in a
-- second index, and in a foreign-key lookup; commits kept two indexes on sha. Inserting 10,000
-- commits and 21,000 file rows took 170 ms in SQLite; with these keys it takes 100 ms.
--
-- - commits gets an explicit INTEGER PRIMARY KEY `id`, equal to the rowid it had (the enrich and
--   link watermarks are rowids, and rowid order is topological order), so VACUUM can never
--   renumber it under the rows that point at it.
-- - One UNIQUE (sha, project_path) serves lookups by sha alone and by (project, sha), replacing
--   the primary key (project_path, sha) and idx_commits_sha.
-- - patch-ids arrive after the commit (the enrich pass): the index holds only the known ones.
-- - commit_files is keyed by (commit_id, path), WITHOUT ROWID; the path index ends with
--   commit_id, so a file's history comes out of it already in topological order.
-- lore:rewrites-table

CREATE TABLE commits_new (
  id INTEGER PRIMARY KEY,
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
  UNIQUE (sha, project_path)
);
INSERT INTO commits_new (id, project_path, sha, author_name, author_email, authored_at, committed_at, subject, body, parents, patch_id, indexed_at)
  SELECT rowid, project_path, sha, author_name, author_email, authored_at, committed_at, subject, body, parents, patch_id, indexed_at
    FROM commits ORDER BY rowid;

CREATE TABLE commit_files_new (
  commit_id INTEGER NOT NULL REFERENCES commits_new(id) ON DELETE CASCADE,
  path TEXT NOT NULL,             -- repo-relative, after the change
  status TEXT NOT NULL CHECK (status IN ('A', 'M', 'D', 'R', 'C', 'T')),
  old_path TEXT,                  -- for renames and copies
  added INTEGER,                  -- lines; NULL for binary files
  removed INTEGER,
  PRIMARY KEY (commit_id, path)
) WITHOUT ROWID;
INSERT INTO commit_files_new (commit_id, path, status, old_path, added, removed)
  SELECT c.id, f.path, f.status, f.old_path, f.added, f.removed
    FROM commit_files f JOIN commits_new c ON c.project_path = f.project_path AND c.sha = f.sha;

DROP TABLE commit_files;
DROP TABLE commits;
-- Renaming also renames the foreign key of commit_files_new.
ALTER TABLE commits_new RENAME TO commits;
ALTER TABLE commit_files_new RENAME TO commit_files;

CREATE INDEX idx_commits_time ON commits(project_path, committed_at);
CREATE INDEX idx_commits_patch_id ON commits(patch_id) WHERE patch_id IS NOT NULL;
CREATE INDEX idx_commit_files_path ON commit_files(path, commit_id);
CREATE INDEX idx_commit_files_old_path ON commit_files(old_path, commit_id) WHERE old_path IS NOT NULL;
