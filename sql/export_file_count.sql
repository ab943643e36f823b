-- erase: how many rows of one export file are the subject's (0: the file
-- is left alone).
-- $file, $key
SELECT count(*) FROM read_parquet($file, hive_partitioning = false) WHERE subject_key = $key;
