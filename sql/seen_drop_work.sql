-- retention: drop the work tables (seen_work.sql) when no generation is
-- written (warehouse.ExpireSeen)
DROP TABLE IF EXISTS seen_now;
DROP TABLE IF EXISTS seen_rules;
