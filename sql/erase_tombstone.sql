-- erase: the erasure tombstone: only the SHA-256 of the normalised email,
-- screened at every stage so the subject never comes back. Idempotent.
-- $hash, $now, $actor
INSERT INTO suppression (kind, hash, value, reason, source, added_at, added_by, expires_at, note)
SELECT 'email', $hash, NULL, 'erasure', 'manual', CAST($now AS TIMESTAMP), $actor, NULL, 'right to erasure (GDPR Art. 17)'
WHERE NOT EXISTS (
    SELECT 1 FROM suppression WHERE kind = 'email' AND reason = 'erasure' AND hash = $hash
);
