-- sar: the subject's entries in the suppression store (tombstones included),
-- matched by the SHA-256 of the normalised email and phones. Equalities
-- on hash only, so that DuckDB filters the store as it scans it (a
-- list_contains in an OR read every column of every entry first).
-- $email_hash, $phone_hash_0..
SELECT kind, reason, source, added_at, added_by, expires_at, note
FROM suppression
WHERE (hash = $email_hash{{range .}} OR hash = ${{param .}}{{end}})
  AND ((kind = 'email' AND hash = $email_hash) OR (kind = 'phone' AND hash <> $email_hash))
ORDER BY added_at, kind, source;
