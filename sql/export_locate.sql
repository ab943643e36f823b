-- locate: how many rows of the subject each export file holds.
-- $files (list of paths), $key
SELECT filename AS file, count(*) AS n
FROM read_parquet(CAST($files AS VARCHAR[]), filename = true, hive_partitioning = false, union_by_name = true)
WHERE subject_key = $key
GROUP BY filename
ORDER BY filename;
