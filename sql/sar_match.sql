-- sar: every row of one warehouse table that belongs to the subject. The
-- predicate is generated from the catalog (sar_predicate.sql), so a new
-- dataset is covered without code changes.
-- The row's rowid comes first (erasure deletes by it; the SAR drops it).
-- $email, $key, $phones, $profiles, $cc
SELECT rowid AS "__pipeline_rowid__", * FROM {{q .Table}}
WHERE {{template "subject_match" .}};
