-- export: one export's allowed columns for its campaign: deliverable rows
-- in the campaign's regions, corporate subscribers with a personal work
-- email only (PECR), or for a consent campaign the subjects with a
-- recorded, unwithdrawn consent. Written by DuckDB straight into the sink's staging
-- folder; rows ordered so identical inputs give identical files. Row
-- groups of 10k rows: the rows of a file are in subject_key order, so a
-- SAR or an erasure looking for one subject reads one row group (min/max
-- statistics), not the whole file; the file is ~1% larger.
-- The files carry the export's description as key-value metadata: .KV is
-- an engine.KV of keys and $kv_N placeholders (the kv function quotes the keys), the
-- values are bound. Partition columns are read from the hive path, and
-- written inside the files too with .KeepPartition. A
-- bucketed export (export_bucket_digits.sql) is also split by the first
-- $digits hex characters of subject_key: the run then renames each
-- __bucket=<b>/part-<n>.parquet to part-<b>-<n>.parquet (the bucket
-- column is not written into the files, except with .KeepPartition:
-- DuckDB writes every partition column or none).
-- $campaign, $path, $kv_0 ..., $digits (bucketed exports only)
COPY (
{{- if .Bucketed}}
SELECT *, left(subject_key, CAST($digits AS INTEGER)) AS "__bucket" FROM (
{{template "export_select" .}}
)
{{- else}}
{{template "export_select" .}}
{{- end}}
) TO $path (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 10000
{{- if .Bucketed}}, PARTITION_BY ({{if .PartitionBy}}{{qlist .PartitionBy}}, {{end}}"__bucket"), FILENAME_PATTERN 'part-{i}'
{{- else if .PartitionBy}}, PARTITION_BY ({{qlist .PartitionBy}}), FILENAME_PATTERN 'part-{i}'{{end}}
{{- if and .KeepPartition .PartitionBy}}, WRITE_PARTITION_COLUMNS true{{end}}
{{- if .KV}}, KV_METADATA {{kv .KV}}{{end}});
