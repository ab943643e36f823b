-- sar: the rows sar_match.sql found, whole, with their ids first (erasure
-- deletes by them; the SAR drops them). .RowIDs are the ids ([]int64, printed
-- by ints); a raw table is read one file at a time ($file).
{{- if .Raw}}
SELECT filename AS "__pipeline_file__", file_row_number AS "__pipeline_rowid__", *
FROM read_parquet($file, hive_partitioning = false)
WHERE file_row_number IN ({{ints .RowIDs}});
{{- else}}
SELECT rowid AS "__pipeline_rowid__", * FROM {{q .Table}}
WHERE rowid IN ({{ints .RowIDs}});
{{- end}}
