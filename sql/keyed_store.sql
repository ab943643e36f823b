-- keyed tables (prospects, deliverable; pipeline/warehouse/keyedfiles.go):
-- store the rows of the temp relation .From as table .Table. With .Dir,
-- as Parquet files in the fresh folder $dir, one sub-folder per subject
-- bucket (the first hex digit of subject_key, as subject_seen's), without
-- the bucket column, and the empty file $columns naming the columns (the
-- view needs a file to read); the caller then points the view at the
-- folder. Without (an in-memory warehouse), as a table. The files are
-- written in subject_key order, in row groups of 10k rows, so that a
-- subject search (its key first, rights/keyed.go) reads the one row group
-- whose min/max hold the key; the order is not a guarantee anything
-- relies on (DuckDB's parallel write may interleave a few rows), only
-- what keeps that read small.
-- $dir, $columns
{{- if .Dir}}
COPY (SELECT *, left(subject_key, 1) AS _bucket FROM {{q .From}} ORDER BY subject_key)
TO $dir (FORMAT parquet, PARTITION_BY (_bucket), OVERWRITE_OR_IGNORE true, FILENAME_PATTERN 'part-{i}', COMPRESSION {{codec .Compression}}, ROW_GROUP_SIZE 10000);
COPY (SELECT * FROM {{q .From}} LIMIT 0) TO $columns (FORMAT parquet);
{{- else}}
CREATE OR REPLACE TABLE {{q .Table}} AS SELECT * FROM {{q .From}};
{{- end}}
DROP VIEW {{q .From}};
