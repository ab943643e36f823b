-- retention: write the next generation of subject_seen into the folder
-- $dir: the current rows, the subjects of seen_now (seen_now.sql, the
-- run's sources bound as its data names them; none for a purge) recorded
-- as seen at $now — a new one with first_seen
-- $now, a known one not expired with last_seen $now — then each people
-- source's retention of seen_rules (seen_rule.sql) applied: a
-- retention_from last_seen source's subjects not seen since the cutoff
-- are left out (they are in none of the source's rows any more; if the
-- source lists them again that is a new relationship), a first_seen
-- source's subjects past it are kept with expired_at $now (so that the
-- source's next files do not stage them again). Rows of other sources are
-- kept as they are. In this order, so that a last_seen source's subjects
-- still in its files are not forgotten. One sub-folder per bucket: the
-- first hex digit of subject_key (warehouse.SeenBucket), so that a
-- SAR reads and an erasure rewrites one bucket's file: 16 buckets, as 256
-- made the write slower than the UPDATE and INSERT it replaced at 1M
-- people while 16 keep an erasure's rewrite at ~0.1 s at 10M
-- (bench/results/2026-12-07-seen-files.md). Uncompressed: the
-- keys are random hex, on which snappy spends time for little (zstd
-- writes slower still; bench/results/2026-12-07-seen-files.md). Row
-- order carries no meaning: DuckDB may write in parallel. The work table
-- (seen_work.sql) goes.
-- $now, $dir
SET preserve_insertion_order = false;
SET partitioned_write_flush_threshold = 32768;
COPY (
    WITH merged AS (
        SELECT coalesce(o.subject_key, n.subject_key) AS subject_key,
               coalesce(o.source, n.source) AS source,
               coalesce(o.first_seen, CAST($now AS TIMESTAMP)) AS first_seen,
               CASE WHEN n.subject_key IS NOT NULL AND o.expired_at IS NULL THEN CAST($now AS TIMESTAMP) ELSE o.last_seen END AS last_seen,
               o.expired_at
        FROM subject_seen o FULL JOIN ({{template "seen_now" .}}) n ON o.subject_key = n.subject_key AND o.source = n.source
    )
    SELECT m.subject_key, m.source, m.first_seen, m.last_seen,
           CASE WHEN m.expired_at IS NULL AND NOT r.last_seen AND m.first_seen < r.cutoff
                THEN CAST($now AS TIMESTAMP) ELSE m.expired_at END AS expired_at,
           left(m.subject_key, 1) AS _bucket
    FROM merged m LEFT JOIN seen_rules r ON r.source = m.source
    WHERE NOT coalesce(r.last_seen AND m.last_seen < r.cutoff, false)
) TO $dir (FORMAT parquet, PARTITION_BY (_bucket), COMPRESSION uncompressed, ROW_GROUP_SIZE 10000);
RESET preserve_insertion_order;
RESET partitioned_write_flush_threshold;
DROP TABLE seen_rules;
