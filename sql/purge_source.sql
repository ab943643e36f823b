-- purge: delete a source's staged rows loaded before its retention cutoff.
-- $cutoff
DELETE FROM {{q .Table}} WHERE _loaded_at < CAST($cutoff AS TIMESTAMP);
