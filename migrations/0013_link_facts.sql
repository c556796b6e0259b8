-- Facts the link stage and `lore why` read that had no column (issue 12).

-- The change as the tool applied it, when its transcript records it: unified-diff hunks (`@@`
-- headers, then ` `, `-` and `+` lines) from Claude Code's structuredPatch or Codex's patches.
-- Whole lines, where an edit's old/new strings are often fragments of a line.
ALTER TABLE file_edits ADD COLUMN patch TEXT;

-- The committer's name (the author's is author_name): Aider commits as "Name (aider)" in either.
ALTER TABLE commits ADD COLUMN committer_name TEXT;

-- A commit an AI tool made of the user's own work, by the tool's own account: '<tool>:<when>'
-- ('aider:before-edit' for `Committing PATH before applying edits.`, 'aider:start-up',
-- 'aider:commit' for /commit). `lore why` says so instead of "no recorded request".
ALTER TABLE linked_commits ADD COLUMN user_work TEXT;
