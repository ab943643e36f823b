-- sar: confirm an export holds the subject by reading its Parquet files.
-- $files (list of paths), $key
SELECT * EXCLUDE (filename), filename AS _file
FROM read_parquet(CAST($files AS VARCHAR[]), filename = true, hive_partitioning = true, union_by_name = true)
WHERE subject_key = $key;
