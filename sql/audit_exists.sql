-- Whether the warehouse has an audit log yet.
SELECT count(*) > 0 FROM duckdb_tables() WHERE database_name = current_database() AND table_name = 'audit_log';
