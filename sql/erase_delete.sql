-- erase: delete the subject's rows from one warehouse table (same
-- predicate as the SAR, sar_predicate.sql). .RowIDs, when set, are the
-- rowids the erasure's search found ([]int64, printed by ints): DuckDB
-- then reads only those rows, and the predicate still guards each one.
-- $email, $key, $phones, $profiles, $cc
DELETE FROM {{q .Table}}
WHERE {{if .RowIDs}}rowid IN ({{ints .RowIDs}}) AND {{end}}{{template "subject_match" .}};
