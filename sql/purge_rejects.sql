-- purge: delete (or, .Dry, count) quarantined lines past their retention:
-- one source's ($source), or, .Others, those of every source not in
-- $sources (a source since removed from the config, `suppress import`).
-- $cutoff, and $source or $sources
{{if .Dry}}SELECT count(*) FROM{{else}}DELETE FROM{{end}} rejects
WHERE {{if .Others}}NOT list_contains(CAST($sources AS VARCHAR[]), source){{else}}source = $source{{end}}
  AND rejected_at < CAST($cutoff AS TIMESTAMP);
