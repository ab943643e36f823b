-- how many rows one Parquet file holds (from its metadata): an export
-- file an erasure rewrote (exportfiles), a raw file (rights).
-- $file
SELECT count(*) FROM read_parquet($file, hive_partitioning = false);
