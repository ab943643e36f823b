-- sar: which rows of one warehouse table belong to the subject: their ids
-- only (sar_rows.sql then reads those rows whole; reading every column of
-- every row while the predicate runs cost twice as much). The predicate is
-- generated from the catalog (sar_predicate.sql), so a new dataset is
-- covered without code changes.
-- A row's id is the rowid of a warehouse table; for a raw table (.From,
-- an engine.Scan, reads its Parquet files) the file and the row's place
-- in it. .Bucket, when set, keeps the search to the subject's bucket
-- (.Own: bucket .N, an integer, and with .HasSub its sub-bucket .Sub in
-- column _email_sub, see stage_table.sql) and/or the rows without one
-- (.Null) of subject-bucketed raw files (rights.bucketRule).
-- .NameSubs (the hop's pass over the rows without a bucket only,
-- rights.nameSubsFor): the sub-buckets of the subject's names
-- (name_sub.sql) and 65535, where the stage put every row whose names
-- could carry them; NULL in files written before names had one.
-- .NameFilter (the hop's pass only, rights.nameFilters): name columns
-- that must be NULL or match a pattern of the subject's names (a word of
-- them, or the letters of the derived names): every row the hop can reach
-- carries those names, so this drops none of them, and the phone, profile
-- and domain tests then run on the few rows left.
-- $email, $key, $phones, $profiles, $cc
SELECT {{if .Raw}}filename AS "__pipeline_file__", file_row_number{{else}}rowid{{end}} AS "__pipeline_rowid__" FROM {{scan .From}}
WHERE {{with .Bucket}}{{if and .Own .Null}}({{template "own_bucket" .}} OR _bucket IS NULL){{else if .Own}}{{template "own_bucket" .}}{{else}}_bucket IS NULL{{end}} AND {{end}}
{{- with .NameSubs}}(_email_sub IN ({{ints .}}) OR _email_sub IS NULL) AND {{end}}
{{- range .NameFilter}}(CAST({{q .Column}} AS VARCHAR) IS NULL OR regexp_matches(CAST({{q .Column}} AS VARCHAR), ${{param .Param}})) AND {{end}}{{template "subject_match" .}};
{{- define "own_bucket"}}{{if .HasSub}}(_bucket = {{.N}} AND _email_sub = {{.Sub}}){{else}}_bucket = {{.N}}{{end}}{{end -}}
