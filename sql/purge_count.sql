-- purge: how many of a source's staged rows are past retention (dry run).
-- $cutoff
SELECT count(*) FROM {{q .Table}} WHERE _loaded_at < CAST($cutoff AS TIMESTAMP);
