-- TABLE or VIEW: what the relation $1 of schema main is (no row: neither)
SELECT 'TABLE' FROM duckdb_tables() WHERE NOT temporary AND schema_name = 'main' AND table_name = $1
UNION ALL SELECT 'VIEW' FROM duckdb_views() WHERE NOT temporary AND schema_name = 'main' AND view_name = $1
