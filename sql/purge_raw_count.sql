-- purge: how many rows of one raw Parquet file purge_raw.sql removes.
-- $file, $cutoff[, $expired]
SELECT count(*) FROM read_parquet($file, hive_partitioning = false)
WHERE _loaded_at < CAST($cutoff AS TIMESTAMP)
{{- if .Expired}}
       OR sha256(pl_email(CAST({{q .Email}} AS VARCHAR))) IN (SELECT unnest(CAST($expired AS VARCHAR[])))
{{- end}};
