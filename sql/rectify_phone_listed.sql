-- rectify: whether a corrected phone is on a phone list (TPS/CTPS, ...): it
-- then stays out of deliverable and the exports, as suppress_deliverable.sql
-- keeps it out at every run.
-- $hash, $now
SELECT count(*) FROM suppression
WHERE kind = 'phone' AND hash = $hash
  AND (expires_at IS NULL OR expires_at > CAST($now AS TIMESTAMP));
