-- erase: rewrite one raw Parquet file without the subject's rows, into a
-- temp file that is then renamed over the original (rights/erase.go).
-- .RowIDs, when set, are the rows' places in the file that the erasure's
-- search found ([]int64, printed by ints): DuckDB keeps every other row unread by the predicate,
-- and the predicate still guards each one. IS NOT TRUE keeps a row the
-- predicate cannot decide (NULL) rather than dropping it.
-- $file, $tmp, $email, $key, $phones, $profiles, $cc
-- Row groups of 10k rows, as the stage and the keyed store write them (a
-- search reads the row groups that can hold its subject).
COPY (
    SELECT * FROM read_parquet($file, hive_partitioning = false)
    WHERE ({{if .RowIDs}}file_row_number IN ({{ints .RowIDs}}) AND {{end}}{{template "subject_match" .}}) IS NOT TRUE
) TO $tmp (FORMAT parquet, COMPRESSION {{codec .Raw.Compression}}, ROW_GROUP_SIZE 10000);
