-- erase: delete the subject's rows from one warehouse table (same
-- predicate as the SAR, sar_predicate.sql).
-- $email, $key, $phones, $profiles, $cc
DELETE FROM {{q .Table}}
WHERE {{template "subject_match" .}};
