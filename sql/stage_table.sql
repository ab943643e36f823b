-- stage: one source into its raw Parquet files (flow/rawfiles.go), every
-- value as received (VARCHAR), canonical names applied from `map:`,
-- provenance added. A people source is subject-bucketed: one folder per
-- bucket of the normalised email (pl_email_bucket, NULL without a valid
-- email), so that a SAR reads and an erasure rewrites one bucket.
-- Parameters: $source, $run_id, $now, $dir, $buckets, plus the scan's
-- own ($path, ...).
-- Row order within a raw table carries no meaning (every later step orders
-- explicitly), so DuckDB may write it in parallel.
SET preserve_insertion_order = false;
COPY (
SELECT
{{- range .Columns}}
    {{q .Src}} AS {{q .Dst}},
{{- end}}
    CAST($source AS VARCHAR) AS _source,
    CAST($run_id AS VARCHAR) AS _run_id,
    CAST($now AS TIMESTAMP) AS _loaded_at,
    {{if .BucketEmail}}CAST(pl_email_bucket({{q .BucketEmail}}, CAST($buckets AS VARCHAR)) AS INTEGER){{else}}CAST(NULL AS INTEGER){{end}} AS _bucket
FROM {{.Scan}}
{{- if .TombstoneEmail}}
-- erased subjects are refused: pl_erased_email looks the SHA-256 of the
-- normalised email up in the erasure tombstones (suppression rows with
-- kind 'email' and reason 'erasure'), which the run loads before staging
WHERE pl_erased_email({{q .TombstoneEmail}}) IS NULL
{{- end}}
{{- if .Empty}}
LIMIT 0
) TO $dir (FORMAT parquet, COMPRESSION {{.Compression}});
{{- else}}
) TO $dir (FORMAT parquet, COMPRESSION {{.Compression}}, PARTITION_BY (_bucket), WRITE_PARTITION_COLUMNS true, FILENAME_PATTERN 'part-{i}');
{{- end}}
RESET preserve_insertion_order;
