-- erase: rewrite one export file without the subject's rows, into a temp
-- file that is then renamed over the original.
-- The file's key-value metadata (its description) is written again: .KV
-- is a struct of quoted keys and $kv_N placeholders (engine.KVMetadata).
-- $file, $key, $tmp, $kv_0 ...
COPY (
    SELECT * FROM read_parquet($file, hive_partitioning = false)
    WHERE subject_key IS DISTINCT FROM $key
) TO $tmp (FORMAT parquet, COMPRESSION zstd{{if .KV}}, KV_METADATA {{.KV}}{{end}});
