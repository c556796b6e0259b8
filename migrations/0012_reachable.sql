-- `lore why` lists what `git log` lists: commits reachable from HEAD. Commits an --amend, a
-- rebase or a `reset --hard` left behind stay stored (their links carry over to the rewritten
-- commits through the rewrite map and patch-ids) but are recorded here, once per HEAD, so a
-- query filters them with an index lookup instead of asking git.

-- The HEAD the set below was computed for (NULL: never computed).
ALTER TABLE repos ADD COLUMN reach_head TEXT;

CREATE TABLE unreachable_commits (
  commit_id INTEGER PRIMARY KEY REFERENCES commits(id) ON DELETE CASCADE
);
