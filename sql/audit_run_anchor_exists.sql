-- Whether the runs table carries the audit head columns (a warehouse
-- written before them does not until its schema is brought up to date).
SELECT count(*) > 0
FROM duckdb_columns()
WHERE database_name = current_database() AND table_name = 'runs' AND column_name = 'audit_seq';
