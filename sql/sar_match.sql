-- sar: every row of one warehouse table that belongs to the subject. The
-- predicate is generated from the catalog (sar_predicate.sql), so a new
-- dataset is covered without code changes.
-- $email, $key, $phones, $profiles, $cc
SELECT * FROM {{q .Table}}
WHERE {{template "subject_match" .}};
