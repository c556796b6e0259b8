-- `lore why` answers within one process start: what it reads on every run must be indexed, and
-- what it would otherwise recompute on every run must be remembered.

-- Commits whose trailers name an AI tool are few; why asks for them on every run.
CREATE INDEX IF NOT EXISTS idx_linked_commits_ai_tool ON linked_commits(project_path) WHERE ai_tool IS NOT NULL;

-- The state of the work tree (HEAD and the git index) the import graph was last refreshed at:
-- while it holds, `why` can skip re-checking every source file.
CREATE TABLE IF NOT EXISTS code_graph_state (
  project_path TEXT PRIMARY KEY,
  stamp TEXT NOT NULL,
  updated_at TIMESTAMP NOT NULL
);
