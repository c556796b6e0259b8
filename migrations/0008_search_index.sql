-- Search lists the files each hit was edited in: look file edits up by the message that made them.
CREATE INDEX IF NOT EXISTS idx_file_edits_message ON file_edits(message_id);
