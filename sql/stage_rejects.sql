-- stage: move DuckDB's CSV rejects for one source into the rejects table.
-- $run_id, $source, $now
INSERT INTO rejects
SELECT $run_id, $source, s.file_path, e.line, e.column_name, CAST(e.error_type AS VARCHAR),
       e.error_message, e.csv_line, CAST($now AS TIMESTAMP)
FROM {{q .Errors}} e JOIN {{q .Scans}} s USING (scan_id, file_id)
ORDER BY e.line;
