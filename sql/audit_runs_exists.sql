-- Whether this database has a runs table (audit_run_anchor_exists.sql
-- reads its columns).
SELECT count(*) > 0
FROM duckdb_tables()
WHERE database_name = current_database() AND table_name = 'runs';
