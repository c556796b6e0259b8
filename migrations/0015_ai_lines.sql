-- How many of a commit's added lines came from AI edits, per file and tool (issue 15): `lore why`
-- shows it per change, `lore pr` and `lore stats` sum it. Written by the link stage, which has
-- the edits and the commit's diff at hand; the commit's added lines are commit_files.added.
CREATE TABLE commit_ai_lines (
  project_path TEXT NOT NULL,
  sha TEXT NOT NULL,
  path TEXT NOT NULL,
  tool TEXT NOT NULL,
  lines INTEGER NOT NULL,
  PRIMARY KEY (project_path, sha, path, tool)
) WITHOUT ROWID;

-- 1 once the link stage has counted the commit's AI lines (0 rows in commit_ai_lines then means
-- none). Commits linked before this migration with links of their own are counted again by the
-- next link run; one with no link has no AI-written line to count.
ALTER TABLE linked_commits ADD COLUMN ai_counted INTEGER;
UPDATE linked_commits SET ai_counted = 1 WHERE links = 0;
CREATE INDEX idx_linked_commits_uncounted ON linked_commits(project_path) WHERE ai_counted IS NULL;
