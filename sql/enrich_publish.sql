-- enrich: publish the prospects built by enrich_prospects.sql
-- (pl_scratch.prospects_work) as the temp view prospects_next, which
-- keyed_store.sql then stores as prospects (warehouse.StoreKeyed), inside
-- the run's write transaction, so that a failed run leaves the old ones. A subject restricted or objecting by an entry this run's list
-- sync added (enrich_withhold.sql ran before it) is withheld here.
-- $now
CREATE TEMP TABLE IF NOT EXISTS withheld_hits (subject_key VARCHAR, kind VARCHAR, reason VARCHAR, source VARCHAR);
INSERT INTO withheld_hits
SELECT p.subject_key, s.kind, s.reason, s.source
FROM pl_scratch.prospects_work p
JOIN suppression s ON s.kind = 'email' AND s.hash = p.subject_key
WHERE s.reason IN ('restriction', 'objection')
  AND (s.expires_at IS NULL OR s.expires_at > CAST($now AS TIMESTAMP))
  AND NOT EXISTS (SELECT 1 FROM withheld_hits w WHERE w.subject_key = p.subject_key AND w.source = s.source AND w.reason = s.reason);
CREATE OR REPLACE TEMP VIEW prospects_next AS
SELECT * FROM pl_scratch.prospects_work
WHERE subject_key NOT IN (SELECT subject_key FROM withheld_hits);
