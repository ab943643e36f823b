-- erase: rewrite one export file without the subject's rows, into a temp
-- file that is then renamed over the original.
-- $file, $key, $tmp
COPY (
    SELECT * FROM read_parquet($file, hive_partitioning = false)
    WHERE subject_key IS DISTINCT FROM $key
) TO $tmp (FORMAT parquet, COMPRESSION zstd);
