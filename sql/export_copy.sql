-- export: one export's allowed columns for its campaign: deliverable rows
-- in the campaign's regions, corporate subscribers with a personal work
-- email only (PECR). Written by DuckDB straight into the sink's staging
-- folder; rows ordered so identical inputs give identical files.
-- $campaign, $path
COPY (
    SELECT {{qlist .Columns}}
    FROM deliverable d
    WHERE d.country IN (SELECT region FROM campaign_regions WHERE campaign = $campaign)
      AND d.subscriber_type = 'corporate'
      AND d.email_type = 'personal'
    ORDER BY {{range .PartitionBy}}{{q .}}, {{end}}d.subject_key
) TO $path (FORMAT parquet, COMPRESSION zstd{{if .PartitionBy}}, PARTITION_BY ({{qlist .PartitionBy}}), FILENAME_PATTERN 'part-{i}'{{end}});
