-- purge: how many of a source's staged rows are past retention (dry run):
-- loaded before the cutoff, or (.Expired) of subjects past retention.
-- $cutoff[, $expired]
SELECT count(*) FROM {{q .Table}} WHERE _loaded_at < CAST($cutoff AS TIMESTAMP)
{{- if .Expired}}
       OR sha256(pl_email(CAST({{q .Email}} AS VARCHAR))) IN (SELECT unnest(CAST($expired AS VARCHAR[])))
{{- end}};
