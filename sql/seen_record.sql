-- retention: the subjects this run staged from one people source, into
-- seen_now for seen_write.sql (first_seen is set once, when the source
-- first gives the subject; last_seen is every run's). Subjects are keyed
-- as enrichment keys them: the SHA-256 of the normalised email of the
-- staged rows, as the stage hashed them while it bucketed them
-- (pl_staged_subjects, engine.CollectSubjects: not normalised and hashed
-- a second time here) and, for people the
-- source gives no email for, the subject_key prospects derived for them
-- from their company's email pattern (.Prospects: the run rebuilt
-- prospects).
-- $source
CREATE TEMP TABLE IF NOT EXISTS seen_now (subject_key VARCHAR, source VARCHAR);
INSERT INTO seen_now
SELECT DISTINCT subject_key, $source FROM (
{{- if .Email}}
    SELECT subject_key FROM pl_staged_subjects($source)
{{- end}}
{{- if and .Email .Prospects}}
    UNION ALL
{{- end}}
{{- if .Prospects}}
    SELECT subject_key FROM prospects WHERE list_contains(CAST(_sources AS VARCHAR[]), CAST($source AS VARCHAR))
{{- end}}
) WHERE subject_key IS NOT NULL;
