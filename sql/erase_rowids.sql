-- erase: the row ids of the subject's rows in one warehouse table (same
-- predicate as the SAR, sar_predicate.sql; through the subject index when
-- the table has one, as in sar_match.sql), kept for the deletes that follow.
-- $email, $key, $phones, $profiles, $cc, $ikeys
CREATE OR REPLACE TEMP TABLE erase_rids AS
{{- if .Index}}
WITH cand AS MATERIALIZED (
    SELECT rowid AS _pl_rid, * FROM {{q .Table}}
    WHERE rowid IN (SELECT rid FROM {{q .Index}} WHERE k = 0 OR list_contains(list_transform(CAST($ikeys AS VARCHAR[]), lambda x: {{template "ikey_hash" "x"}}), k))
)
SELECT _pl_rid FROM cand
{{- else}}
SELECT rowid AS _pl_rid FROM {{q .Table}}
{{- end}}
WHERE {{template "subject_match" .}};
