-- the names of the warehouse's tables (schema main, temporary ones too)
SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'
