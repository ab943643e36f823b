-- SAR: when the subject was first and last staged from each people source,
-- and whether their retention there has run out (flow/seen.go).
-- $key
SELECT source, first_seen, last_seen, expired_at
FROM subject_seen WHERE subject_key = $key
ORDER BY source;
