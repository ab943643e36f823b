-- retention: the work table of seen_write.sql, when missing: seen_rules
-- (seen_rule.sql)
CREATE TEMP TABLE IF NOT EXISTS seen_rules (source VARCHAR, last_seen BOOLEAN, cutoff TIMESTAMP);
