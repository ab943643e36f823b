-- retention: the subjects of a retention_from: first_seen people source
-- whose retention has run out (flow/seen.go): the stage refuses them, the
-- purge deletes their rows. A last_seen source refuses nobody: a subject
-- it still lists was seen now.
-- $source, $cutoff (now minus the source's retention)
SELECT subject_key FROM subject_seen
WHERE source = $source
  AND (expired_at IS NOT NULL OR first_seen < CAST($cutoff AS TIMESTAMP))
ORDER BY subject_key;
