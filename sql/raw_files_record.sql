-- records where a raw table's files are (promote, in the run's write transaction)
DELETE FROM raw_files WHERE table_name = $table;
INSERT INTO raw_files VALUES ($table, $dir, $run_id, nullif($buckets, 0), nullif($bucket_column, ''), $compression);
