-- run --select classify: the raw tables the last run promoted (their
-- views read its files), classified again as they are.
SELECT table_name FROM raw_files ORDER BY table_name;
