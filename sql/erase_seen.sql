-- erase: forget when the subject was staged from each source (flow/seen.go):
-- rewrite one file of subject_seen's bucket (warehouse.SeenBucketFiles)
-- without the subject's rows, into a temp file that is then renamed over
-- the original (rights/rawfiles.go). The erasure tombstone refuses them
-- from now on.
-- $file, $tmp, $key
COPY (
    SELECT * FROM read_parquet($file, hive_partitioning = false)
    WHERE subject_key IS DISTINCT FROM $key
) TO $tmp (FORMAT parquet, COMPRESSION uncompressed);
