-- sar: every row of one warehouse table that belongs to the subject. The
-- predicate is generated from the catalog (sar_predicate.sql), so a new
-- dataset is covered without code changes.
-- $email, $key, $phones, $profiles, $cc
-- With a subject index (.Index) only the rows whose key is one of the
-- subject's ($ikeys) or 0 are read; the CTE is materialised so that the
-- predicate runs on those rows only.
{{- if .Index}}
WITH cand AS MATERIALIZED (
    SELECT * FROM {{q .Table}}
    WHERE rowid IN (SELECT rid FROM {{q .Index}} WHERE k = 0 OR list_contains(list_transform(CAST($ikeys AS VARCHAR[]), lambda x: {{template "ikey_hash" "x"}}), k))
)
SELECT * FROM cand
{{- else}}
SELECT * FROM {{q .Table}}
{{- end}}
WHERE {{template "subject_match" .}};
