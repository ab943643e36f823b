-- retention: subject_seen, the view over the current generation of its
-- Parquet files (pipeline/warehouse/seenfiles.go); without .Dir (no file
-- yet, or none left) the same columns and no row.
CREATE OR REPLACE VIEW subject_seen AS
{{- if .Dir}}
SELECT subject_key, source, first_seen, last_seen, expired_at
FROM read_parquet({{rawGlob .Dir}}, hive_partitioning = false);
{{- else}}
SELECT CAST(NULL AS VARCHAR) AS subject_key, CAST(NULL AS VARCHAR) AS source,
       CAST(NULL AS TIMESTAMP) AS first_seen, CAST(NULL AS TIMESTAMP) AS last_seen,
       CAST(NULL AS TIMESTAMP) AS expired_at
WHERE false;
{{- end}}
