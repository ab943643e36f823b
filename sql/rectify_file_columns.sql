-- rectify: the columns of one export file (the statement's result columns).
-- $file
SELECT * FROM read_parquet($file, hive_partitioning = false) LIMIT 0;
