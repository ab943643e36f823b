-- erase: how many rows one rewritten export file kept.
-- $file
SELECT count(*) FROM read_parquet($file, hive_partitioning = false);
