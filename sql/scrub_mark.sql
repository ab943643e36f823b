-- the warehouse file may hold personal values in its free blocks, for
-- $reason (pipeline/warehouse/scrub.go); once per reason
-- $reason, $now
INSERT INTO scrub_pending
SELECT $reason, CAST($now AS TIMESTAMP)
WHERE NOT EXISTS (SELECT 1 FROM scrub_pending WHERE reason = $reason);
