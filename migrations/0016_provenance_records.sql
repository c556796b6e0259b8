-- What Entire's checkpoints and Agent Trace records add to commit_provenance (issue 16).
-- record: the tool's own id of the record (Entire's checkpoint id, an Agent Trace record id).
-- prompt: the request the record names (Entire's summary intent, else its first prompt), redacted.
-- detail: JSON the record's source keeps beside (Entire: the tree read and the commit's agent and
--         total lines; Agent Trace: the conversation url), so a changed record is read again.
ALTER TABLE commit_provenance ADD COLUMN record TEXT;
ALTER TABLE commit_provenance ADD COLUMN prompt TEXT;
ALTER TABLE commit_provenance ADD COLUMN detail TEXT;
