-- retention: how many subjects of each source seen_write.sql will forget
-- (a last_seen source's, not seen since the cutoff, nor now: seen_now.sql,
-- with the same data and parameters as seen_write.sql) or mark expired (a
-- first_seen source's, newly past it). A purge writes a new generation
-- only when some will. (seen_work.sql made seen_rules.)
-- The rows past their cutoff are found first, by a filter the Parquet
-- scan applies; only with .LastSeen (some source counts from last_seen)
-- are they looked up in seen_now, which seen_write.sql then computes a
-- second time: only such a configuration pays for it twice.
WITH due AS (
    SELECT s.subject_key, s.source, s.expired_at, r.last_seen AS from_last
    FROM subject_seen s JOIN seen_rules r ON r.source = s.source
    WHERE (r.last_seen AND s.last_seen < r.cutoff)
       OR (NOT r.last_seen AND s.expired_at IS NULL AND s.first_seen < r.cutoff)
)
SELECT d.source, count(*) FROM due d
{{- if .LastSeen}}
WHERE NOT d.from_last OR d.expired_at IS NOT NULL
   OR NOT EXISTS (SELECT 1 FROM ({{template "seen_now" .}}) n WHERE n.subject_key = d.subject_key AND n.source = d.source)
{{- end}}
GROUP BY d.source ORDER BY d.source
