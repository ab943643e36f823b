-- export: one export's allowed columns for its campaign: deliverable rows
-- in the campaign's regions, corporate subscribers with a personal work
-- email only (PECR), or for a consent campaign the subjects with a
-- recorded, unwithdrawn consent. Written by DuckDB straight into the sink's staging
-- folder; rows ordered so identical inputs give identical files.
-- $campaign, $path
COPY (
{{template "export_select" .}}
) TO $path (FORMAT parquet, COMPRESSION zstd{{if .PartitionBy}}, PARTITION_BY ({{qlist .PartitionBy}}), FILENAME_PATTERN 'part-{i}'{{end}});
