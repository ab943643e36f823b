-- suppress: record a merged list's fingerprint and the store's digest
-- after the merge, in the run's write transaction; a list without a
-- fingerprint (not read from local files) is forgotten instead.
-- $source, $fingerprint, $digest, $rows_in, $unusable, $run_id, $now
DELETE FROM list_syncs WHERE source = $source;
INSERT INTO list_syncs
SELECT $source, $fingerprint, $digest, $rows_in, $unusable, $run_id, CAST($now AS TIMESTAMP)
WHERE CAST($fingerprint AS VARCHAR) <> '';
