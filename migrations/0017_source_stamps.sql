-- Every query's chat catch-up compares each transcript's size and modification time with the ones
-- stored: reading them from the table walks every row with the adapter's resume state beside them
-- (kilobytes each), so this index holds the three columns the check needs, and nothing else.
CREATE INDEX IF NOT EXISTS idx_source_files_stamp ON source_files(path, size, mtime_ms);
