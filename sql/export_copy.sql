-- export: one export's allowed columns for its campaign: deliverable rows
-- in the campaign's regions, corporate subscribers with a personal work
-- email only (PECR), or for a consent campaign the subjects with a
-- recorded, unwithdrawn consent. Written by DuckDB straight into the sink's staging
-- folder; rows ordered so identical inputs give identical files.
-- The files carry the export's description as key-value metadata: .KV is
-- a struct of quoted keys and $kv_N placeholders (engine.KVMetadata), the
-- values are bound. Partition columns are read from the hive path, and
-- written inside the files too with .KeepPartition.
-- $campaign, $path, $kv_0 ...
COPY (
{{template "export_select" .}}
) TO $path (FORMAT parquet, COMPRESSION zstd
{{- if .PartitionBy}}, PARTITION_BY ({{qlist .PartitionBy}}), FILENAME_PATTERN 'part-{i}'{{if .KeepPartition}}, WRITE_PARTITION_COLUMNS true{{end}}{{end}}
{{- if .KV}}, KV_METADATA {{.KV}}{{end}});
