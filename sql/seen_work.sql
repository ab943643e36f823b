-- retention: the work tables of seen_write.sql, when missing: seen_now
-- (seen_record.sql; none for a purge) and seen_rules (seen_rule.sql)
CREATE TEMP TABLE IF NOT EXISTS seen_now (subject_key VARCHAR, source VARCHAR);
CREATE TEMP TABLE IF NOT EXISTS seen_rules (source VARCHAR, last_seen BOOLEAN, cutoff TIMESTAMP);
