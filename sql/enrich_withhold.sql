-- enrich: restricted and objecting subjects are stored, not processed
-- (docs/design.md "Rights that stick"): their rows stay in raw_<source>, but
-- they leave prospects_work before it is classified (its samples) or
-- published, so prospects, deliverable and every export go without them.
-- withheld_hits remembers who left and by which entry, for the run
-- report's per-list counts (suppress_deliverable.sql). Runs between the
-- run's two transactions, with the store as the last run left it;
-- enrich_publish.sql applies entries this run's list sync adds.
-- $now
CREATE OR REPLACE TEMP TABLE withheld_hits AS
SELECT p.subject_key, s.kind, s.reason, s.source
FROM pl_scratch.prospects_work p
JOIN suppression s ON s.kind = 'email' AND s.hash = p.subject_key
WHERE s.reason IN ('restriction', 'objection')
  AND (s.expires_at IS NULL OR s.expires_at > CAST($now AS TIMESTAMP));
DELETE FROM pl_scratch.prospects_work WHERE subject_key IN (SELECT subject_key FROM withheld_hits);
