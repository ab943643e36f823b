-- rights: the catalog's columns of every existing table (rejects apart),
-- with their category, in table then column order: what a subject search
-- matches on (rights/find_tables.go).
SELECT k.dataset, k."table", k."column", k.category, k.personal
FROM catalog k
JOIN duckdb_columns() dc ON dc.schema_name = 'main' AND dc.table_name = k."table" AND dc.column_name = k."column"
WHERE k.dataset <> 'rejects'
ORDER BY k.dataset, dc.column_index
