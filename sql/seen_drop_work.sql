-- retention: drop the work table (seen_work.sql) when no generation is
-- written (warehouse.ExpireSeen)
DROP TABLE IF EXISTS seen_rules;
