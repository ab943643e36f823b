-- subject index: whether the index of $table was built from the same
-- identifier columns ($signature) over the rows the table has now ($rows).
SELECT count(*) > 0 FROM subject_index_state s
WHERE s."table" = $table AND s."rows" = $rows AND s.signature = $signature
  AND EXISTS (SELECT 1 FROM duckdb_tables() WHERE schema_name = 'main' AND NOT temporary AND table_name = $index);
