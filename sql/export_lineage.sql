-- export: record which subject_key went into which file, for whom, by
-- reading the staged files back (what was written, not what was meant).
-- $run_id, $export, $campaign, $recipient, $dir, $glob, $prefix_len, $now
INSERT INTO lineage
SELECT $run_id, $export, $campaign, $recipient, $dir, substr(filename, CAST($prefix_len AS BIGINT) + 1), subject_key, CAST($now AS TIMESTAMP)
FROM read_parquet($glob, filename = true, hive_partitioning = false);
