-- export: the deliverable table's columns, with their DuckDB types and
-- their privacy categories from the catalog, for an export's description
-- (flow/export_doc.go). A column the catalog does not know is 'unknown'
-- and counted as personal (fail closed).
SELECT dc.column_name, dc.data_type, coalesce(k.category, 'unknown') AS category, coalesce(k.personal, true) AS personal
FROM duckdb_columns() dc
LEFT JOIN (
    SELECT "column", any_value(category) AS category, bool_or(personal) AS personal
    FROM catalog WHERE dataset = 'deliverable' GROUP BY 1
) k ON k."column" = dc.column_name
WHERE dc.database_name = current_database() AND dc.schema_name = 'main' AND dc.table_name = 'deliverable'
ORDER BY dc.column_index;
