SELECT table_name, dir, run_id, coalesce(buckets, 0), coalesce(bucket_column, ''), compression FROM raw_files
