-- sar: the subject's entries in the suppression store (tombstones included),
-- matched by the SHA-256 of the normalised email and phones.
-- $email_hash, $phone_hashes
SELECT kind, reason, source, added_at, added_by, expires_at, note
FROM suppression
WHERE (kind = 'email' AND hash = $email_hash)
   OR (kind = 'phone' AND list_contains(CAST($phone_hashes AS VARCHAR[]), hash))
ORDER BY added_at, kind, source;
