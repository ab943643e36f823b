-- retention: move a subject_seen table (a warehouse from before its
-- files, warehouse.ensureSeen) into the folder $dir, bucketed as
-- seen_write.sql writes.
-- $dir
COPY (
    SELECT subject_key, source, first_seen, last_seen, expired_at, left(subject_key, 1) AS _bucket
    FROM subject_seen
) TO $dir (FORMAT parquet, PARTITION_BY (_bucket), COMPRESSION uncompressed);
