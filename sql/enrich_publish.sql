-- enrich: publish the prospects built by enrich_prospects.sql
-- (pl_scratch.prospects_work, sorted by subject_key) into the warehouse,
-- inside the run's write transaction, so that a failed run leaves the old
-- table.
CREATE OR REPLACE TABLE prospects AS SELECT * FROM pl_scratch.prospects_work;
