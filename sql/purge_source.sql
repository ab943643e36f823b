-- purge: delete a source's staged rows loaded before its retention cutoff,
-- and (.Expired) those of subjects whose retention has run out.
-- $cutoff[, $expired]
DELETE FROM {{q .Table}} WHERE _loaded_at < CAST($cutoff AS TIMESTAMP)
{{- if .Expired}}
       OR sha256(pl_email(CAST({{q .Email}} AS VARCHAR))) IN (SELECT unnest(CAST($expired AS VARCHAR[])))
{{- end}};
