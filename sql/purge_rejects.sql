-- purge: delete a source's quarantined lines older than its retention.
-- $source, $cutoff
DELETE FROM rejects WHERE source = $source AND rejected_at < CAST($cutoff AS TIMESTAMP);
