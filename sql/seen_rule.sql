-- retention: one people source's retention, for seen_write.sql: its
-- subjects are forgotten ($last_seen: retention_from last_seen) or marked
-- expired once the date their retention counts from is before $cutoff.
-- $source, $last_seen, $cutoff
CREATE TEMP TABLE IF NOT EXISTS seen_rules (source VARCHAR, last_seen BOOLEAN, cutoff TIMESTAMP);
INSERT INTO seen_rules VALUES ($source, $last_seen, CAST($cutoff AS TIMESTAMP));
