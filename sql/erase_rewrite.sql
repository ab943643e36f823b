-- erase: rewrite one export file without the subject's rows, into a temp
-- file that is then renamed over the original.
-- The file's key-value metadata (its description) is written again: .KV
-- is an engine.KV of keys and $kv_N placeholders (the kv function quotes
-- the keys; the values are bound).
-- $file, $key, $tmp, $kv_0 ...
COPY (
    SELECT * FROM read_parquet($file, hive_partitioning = false)
    WHERE subject_key IS DISTINCT FROM $key
) TO $tmp (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 10000{{if .KV}}, KV_METADATA {{kv .KV}}{{end}});
