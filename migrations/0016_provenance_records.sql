-- What Entire's checkpoints and Agent Trace records add to commit_provenance (issue 16).
-- record: the tool's own id of the record (Entire's checkpoint id, an Agent Trace record id).
-- prompt: the request the record names (Entire's summary intent, else its first prompt), redacted.
-- detail: JSON the record's source keeps beside (Entire: the tree read and the commit's agent and
--         total lines; Agent Trace: the conversation url), so a changed record is read again.
ALTER TABLE commit_provenance ADD COLUMN record TEXT;
ALTER TABLE commit_provenance ADD COLUMN prompt TEXT;
ALTER TABLE commit_provenance ADD COLUMN detail TEXT;

-- A teammate's AI-written line counts (the aiLines of lore's notes, issue 16), kept apart from
-- commit_ai_lines, which the link stage rewrites from this clone's own edits. `lore why` shows
-- them for a change this clone has no count of; every sync replaces them with what the notes say.
CREATE TABLE shared_ai_lines (
  project_path TEXT NOT NULL,
  sha TEXT NOT NULL,
  path TEXT NOT NULL,
  tool TEXT NOT NULL,
  shared_by TEXT NOT NULL,
  lines INTEGER NOT NULL,
  PRIMARY KEY (project_path, sha, path, tool, shared_by)
) WITHOUT ROWID;
CREATE INDEX idx_shared_ai_lines_path ON shared_ai_lines(project_path, path);
