-- suppress: the last recorded sync of one suppression list (list_syncs).
-- $source
SELECT fingerprint, store_digest, rows_in, unusable, run_id FROM list_syncs WHERE source = $source;
