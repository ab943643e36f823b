-- retention: record the subjects this run staged from one people source:
-- first_seen is set once, when the source first gives the subject;
-- last_seen is every run's. Subjects are keyed as enrichment keys them:
-- the SHA-256 of the normalised email of the staged rows (_bucket is NULL
-- without a valid one) and, for people the source gives no email for,
-- the subject_key prospects derived for them from their company's email
-- pattern (.Prospects: the run rebuilt prospects).
-- New subjects are appended in subject_key order, so that a subject's
-- lookup (sar_seen.sql, erase_seen.sql) reads the row groups whose min/max
-- hold its key rather than the whole table.
-- $source, $now
CREATE OR REPLACE TEMP TABLE seen_now AS
SELECT DISTINCT subject_key FROM (
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
UPDATE subject_seen SET last_seen = CAST($now AS TIMESTAMP)
WHERE source = $source AND expired_at IS NULL AND subject_key IN (SELECT subject_key FROM seen_now);
INSERT INTO subject_seen (subject_key, source, first_seen, last_seen)
SELECT n.subject_key, $source, CAST($now AS TIMESTAMP), CAST($now AS TIMESTAMP) FROM seen_now n
WHERE NOT EXISTS (SELECT 1 FROM subject_seen s WHERE s.source = $source AND s.subject_key = n.subject_key)
ORDER BY n.subject_key;
DROP TABLE seen_now;
