-- enrich: the working tables (enrichWork's TEMP tables) nothing reads
-- once prospects are published, dropped before the retention bookkeeping
-- (seen_write.sql) so that its subjects seen now, as many as the
-- people sources, have their memory rather than spilling to disk.
DROP TABLE IF EXISTS companies_n;
DROP TABLE IF EXISTS target_companies;
DROP TABLE IF EXISTS company_subscribers;
DROP TABLE IF EXISTS people_n;
DROP TABLE IF EXISTS title_map;
DROP TABLE IF EXISTS roled;
