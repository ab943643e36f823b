-- Whether the runs table carries the audit head columns (a warehouse
-- written before them does not until its schema is brought up to date).
-- Asked only when the table exists (audit_runs_exists.sql): pragma_table_info
-- reads that table's columns alone, where duckdb_columns() would bind every
-- view (the raw_* and subject_seen views: a glob and a Parquet footer each).
SELECT count(*) > 0
FROM pragma_table_info('runs')
WHERE name = 'audit_seq';
