-- rectify: rewrite one export file with the subject's corrected values,
-- into a temp file that is then renamed over the original (as
-- erase_rewrite.sql does). .Sets: the columns (and their parameter names)
-- the file has; every other row and column is copied as it is.
-- The file's key-value metadata is written again (.KV, as erase_rewrite.sql).
-- .Codec: the file's compression (zstd for an export; a keyed table's
-- files, rights.rectifyFiles, keep their own).
-- $file, $key, $tmp, $kv_0 ..., and one parameter per column
COPY (
    SELECT * REPLACE (
{{- range $i, $s := .Sets}}
        {{if $i}}, {{end}}CASE WHEN subject_key = $key THEN nullif(CAST(${{param $s.Param}} AS VARCHAR), '') ELSE {{q $s.Column}} END AS {{q $s.Column}}
{{- end}}
    )
    FROM read_parquet($file, hive_partitioning = false)
) TO $tmp (FORMAT parquet, COMPRESSION {{codec .Codec}}, ROW_GROUP_SIZE 10000{{if .KV}}, KV_METADATA {{kv .KV}}{{end}});
