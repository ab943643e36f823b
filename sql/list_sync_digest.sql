-- suppress: a digest of the store's entries of one list: their number and
-- the sum of DuckDB's hash of each entry. Any entry added, removed or
-- changed (by a sync, `suppress remove` or by hand) changes it. hash() is
-- DuckDB's own, stable within one binary: the binary is part of the list's
-- fingerprint (pipeline/flow/suppress.go).
-- $source
SELECT CAST(count(*) AS VARCHAR) || ':' ||
       CAST(coalesce(sum(hash(kind, hash, value, reason, added_at, added_by, expires_at, note)), 0) AS VARCHAR)
FROM suppression WHERE source = $source;
