-- retention: the subjects this run staged from one people source, into
-- seen_now for seen_write.sql (first_seen is set once, when the source
-- first gives the subject; last_seen is every run's). Subjects are keyed
-- as enrichment keys them: the SHA-256 of the normalised email of the
-- staged rows (_bucket is NULL without a valid one) and, for people the
-- source gives no email for, the subject_key prospects derived for them
-- from their company's email pattern (.Prospects: the run rebuilt
-- prospects).
-- $source
CREATE TEMP TABLE IF NOT EXISTS seen_now (subject_key VARCHAR, source VARCHAR);
INSERT INTO seen_now
SELECT DISTINCT subject_key, $source FROM (
{{- if .Email}}
    SELECT sha256(pl_email(CAST(email AS VARCHAR))) AS subject_key FROM {{q .Staged}}
    WHERE _bucket IS NOT NULL
{{- end}}
{{- if and .Email .Prospects}}
    UNION ALL
{{- end}}
{{- if .Prospects}}
    SELECT subject_key FROM prospects WHERE list_contains(CAST(_sources AS VARCHAR[]), CAST($source AS VARCHAR))
{{- end}}
) WHERE subject_key IS NOT NULL;
