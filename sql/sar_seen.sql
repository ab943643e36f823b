-- SAR: when the subject was first and last staged from each people source,
-- and whether their retention there has run out (flow/seen.go): from the
-- files of the subject's bucket (.Files, warehouse.SeenBucketFiles), or
-- without them the subject_seen view.
-- $key
SELECT source, first_seen, last_seen, expired_at
FROM {{if .Files}}read_parquet([{{range $i, $f := .Files}}{{if $i}}, {{end}}{{path $f}}{{end}}], hive_partitioning = false){{else}}subject_seen{{end}}
WHERE subject_key = $key
ORDER BY source;
