-- retention: the work tables of seen_record.sql and seen_rule.sql, when
-- no new generation is written (warehouse.ExpireSeen)
DROP TABLE IF EXISTS seen_now;
DROP TABLE IF EXISTS seen_rules;
