-- stage: move DuckDB's CSV rejects for one source into the rejects table,
-- one row per
-- physical line: DuckDB records one per error and column (a line short
-- of five fields gave five), so a line keeps its first column's error and
-- every error type it had. Lines already there (the screen's: control
-- characters) are not added again. A suppression list's raw lines are
-- never stored (.NoRaw).
-- $run_id, $source, $now, $file (the file as named when DuckDB read a
-- normalised copy, else NULL), $names (the header's names, or NULL)
INSERT INTO rejects
SELECT CAST($run_id AS VARCHAR), CAST($source AS VARCHAR), r.file, r.line, r.column_name, r.error_type, r.error, r.raw_line,
       CAST($now AS TIMESTAMP)
FROM (
    SELECT coalesce(CAST($file AS VARCHAR), s.file_path) AS file, e.line,
           arg_min(coalesce(list_extract(CAST($names AS VARCHAR[]), CAST(e.column_idx AS BIGINT)), e.column_name),
                   coalesce(e.column_idx, 0)) AS column_name,
           array_to_string(list_sort(list_distinct(list(CAST(e.error_type AS VARCHAR)))), '; ') AS error_type,
           arg_min(e.error_message, coalesce(e.column_idx, 0)) AS error,
           {{if .NoRaw}}CAST(NULL AS VARCHAR){{else}}arg_min(e.csv_line, coalesce(e.column_idx, 0)){{end}} AS raw_line
    FROM {{q .Errors}} e JOIN {{q .Scans}} s USING (scan_id, file_id)
    GROUP BY ALL
) r
WHERE NOT EXISTS (
    SELECT 1 FROM rejects x
    WHERE x.run_id = CAST($run_id AS VARCHAR) AND x.source = CAST($source AS VARCHAR) AND x.file = r.file AND x.line = r.line
)
ORDER BY r.line;
