-- raw tables or views a crashed run staged (names ending in $1) and never swapped in
SELECT table_name FROM duckdb_tables() WHERE NOT temporary AND schema_name = 'main'
    AND table_name LIKE 'raw\_%' ESCAPE '\' AND suffix(table_name, $1)
UNION ALL SELECT view_name FROM duckdb_views() WHERE NOT temporary AND schema_name = 'main'
    AND view_name LIKE 'raw\_%' ESCAPE '\' AND suffix(view_name, $1)
