-- purge: rewrite one raw Parquet file without the rows loaded before the
-- source's retention cutoff (rights/purge.go renames it into place).
-- $file, $tmp, $cutoff
COPY (
    SELECT * FROM read_parquet($file, hive_partitioning = false)
    WHERE (_loaded_at < CAST($cutoff AS TIMESTAMP)) IS NOT TRUE
) TO $tmp (FORMAT parquet, COMPRESSION {{.Compression}});
