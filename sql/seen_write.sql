-- retention: the next generation of subject_seen, as seen_next (written
-- to files by seen_copy.sql): the current rows, the subjects of seen_now
-- (seen_record.sql; empty for a purge) recorded as seen at $now — a new
-- one with first_seen $now, a known one not expired with last_seen $now —
-- then each people source's retention of seen_rules (seen_rule.sql)
-- applied: _forget marks a retention_from last_seen source's subjects
-- not seen since the cutoff (they are in none of the source's rows any
-- more; if the source lists them again that is a new relationship),
-- _expire a first_seen source's subjects newly past it (kept, expired_at
-- $now, so that the source's next files do not stage them again). Rows of
-- other sources are kept as they are. In this order, so that a last_seen
-- source's subjects still in its files are not forgotten.
-- $now
CREATE TEMP TABLE IF NOT EXISTS seen_now (subject_key VARCHAR, source VARCHAR);
CREATE TEMP TABLE IF NOT EXISTS seen_rules (source VARCHAR, last_seen BOOLEAN, cutoff TIMESTAMP);
CREATE OR REPLACE TEMP TABLE seen_next AS
WITH merged AS (
    SELECT coalesce(o.subject_key, n.subject_key) AS subject_key,
           coalesce(o.source, n.source) AS source,
           coalesce(o.first_seen, CAST($now AS TIMESTAMP)) AS first_seen,
           CASE WHEN n.subject_key IS NOT NULL AND o.expired_at IS NULL THEN CAST($now AS TIMESTAMP) ELSE o.last_seen END AS last_seen,
           o.expired_at
    FROM subject_seen o FULL JOIN seen_now n ON o.subject_key = n.subject_key AND o.source = n.source
)
SELECT m.subject_key, m.source, m.first_seen, m.last_seen,
       CASE WHEN m.expired_at IS NULL AND NOT r.last_seen AND m.first_seen < r.cutoff
            THEN CAST($now AS TIMESTAMP) ELSE m.expired_at END AS expired_at,
       coalesce(r.last_seen AND m.last_seen < r.cutoff, false) AS _forget,
       coalesce(m.expired_at IS NULL AND NOT r.last_seen AND m.first_seen < r.cutoff, false) AS _expire
FROM merged m LEFT JOIN seen_rules r ON r.source = m.source;
