-- Facts the link stage and `lore why` read that had no column (issue 12).

-- The change as the tool applied it, when its transcript records it: unified-diff hunks (`@@`
-- headers, then ` `, `-` and `+` lines) from Claude Code's structuredPatch or Codex's patches.
-- Whole lines, where an edit's old/new strings are often fragments of a line.
ALTER TABLE file_edits ADD COLUMN patch TEXT;

-- The committer's name (the author's is author_name): Aider commits as "Name (aider)" in either.
ALTER TABLE commits ADD COLUMN committer_name TEXT;

-- A commit an AI tool made of the user's own work, by the tool's own account: '<tool>:<when>'
-- ('aider:before-edit' for `Committing PATH before applying edits.`, 'aider:start-up',
-- 'aider:commit' and 'aider:lint' for /commit and /lint, 'aider:' when the history does not say). `lore why` says so
-- instead of "no recorded request". Few commits are such: a partial index finds them.
ALTER TABLE linked_commits ADD COLUMN user_work TEXT;
CREATE INDEX idx_linked_commits_user_work ON linked_commits(project_path) WHERE user_work IS NOT NULL;

-- Commits linked before this column: the Aider messages that printed them as the user's work
-- (metadata.userCommits: abbreviated shas) say so, though not when. As the link stage does, not
-- for a commit that names an AI tool or has a request.
UPDATE linked_commits SET user_work = 'aider:'
 WHERE ai_tool IS NULL AND links = 0 AND rowid IN (
   SELECT l.rowid
     FROM sessions s
     JOIN messages m ON m.session_id = s.id
     CROSS JOIN json_each(m.metadata, '$.userCommits') j
     JOIN linked_commits l ON l.project_path = s.project_path
      AND l.sha >= lower(json_extract(j.value, '$.sha')) AND l.sha < lower(json_extract(j.value, '$.sha')) || 'g'
    WHERE s.source = 'aider' AND m.metadata IS NOT NULL AND json_extract(m.metadata, '$.userCommits') IS NOT NULL
      AND length(json_extract(j.value, '$.sha')) >= 4);
