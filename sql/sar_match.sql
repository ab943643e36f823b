-- sar: which rows of one warehouse table belong to the subject: their ids
-- only (sar_rows.sql then reads those rows whole; reading every column of
-- every row while the predicate runs cost twice as much). The predicate is
-- generated from the catalog (sar_predicate.sql), so a new dataset is
-- covered without code changes.
-- A row's id is the rowid of a warehouse table; for a raw table (.From
-- reads its Parquet files) the file and the row's place in it. .Bucket,
-- when set, keeps the search to the subject's bucket of subject-bucketed
-- raw files.
-- $email, $key, $phones, $profiles, $cc
SELECT {{if .Raw}}filename AS "__pipeline_file__", {{end}}{{.RowID}} AS "__pipeline_rowid__" FROM {{.From}}
WHERE {{if .Bucket}}{{.Bucket}} AND {{end}}{{template "subject_match" .}};
