-- purge: rewrite one raw Parquet file without the rows loaded before the
-- source's retention cutoff, nor (.Expired) the rows of subjects whose
-- retention from the source has run out (flow/seen.go; $expired their
-- subject_keys, .Email the email column) (rights/purge.go renames it into
-- place).
-- $file, $tmp, $cutoff[, $expired]
-- Row groups of 10k rows, as the stage and the keyed store write them (a
-- search reads the row groups that can hold its subject).
COPY (
    SELECT * FROM read_parquet($file, hive_partitioning = false)
    WHERE (_loaded_at < CAST($cutoff AS TIMESTAMP)
{{- if .Expired}}
       OR sha256(pl_email(CAST({{q .Email}} AS VARCHAR))) IN (SELECT unnest(CAST($expired AS VARCHAR[])))
{{- end}}
    ) IS NOT TRUE
) TO $tmp (FORMAT parquet, COMPRESSION {{codec .Compression}}, ROW_GROUP_SIZE 10000);
