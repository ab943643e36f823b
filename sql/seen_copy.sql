-- retention: write seen_next (seen_write.sql) into the folder $dir, one
-- sub-folder per bucket: the first two hex digits of subject_key
-- (warehouse.SeenBucket), so that a SAR reads and an erasure rewrites
-- one bucket's file. Row order carries no meaning: DuckDB may write in
-- parallel. The work tables go.
-- $dir
SET preserve_insertion_order = false;
COPY (
    SELECT subject_key, source, first_seen, last_seen, expired_at, left(subject_key, 2) AS _bucket
    FROM seen_next WHERE NOT _forget
) TO $dir (FORMAT parquet, PARTITION_BY (_bucket));
RESET preserve_insertion_order;
DROP TABLE seen_next;
DROP TABLE IF EXISTS seen_now;
DROP TABLE IF EXISTS seen_rules;
