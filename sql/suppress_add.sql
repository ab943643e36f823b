-- suppress add: one manual entry, unless the same (kind, hash, source,
-- reason) is already stored. Emails and phones arrive hashed; value holds
-- a domain only.
-- $kind, $hash, $value, $reason, $source, $now, $actor, $expires, $note
INSERT INTO suppression (kind, hash, value, reason, source, added_at, added_by, expires_at, note)
SELECT $kind, $hash, CAST($value AS VARCHAR), $reason, $source, CAST($now AS TIMESTAMP), $actor,
       CAST($expires AS TIMESTAMP), CAST($note AS VARCHAR)
WHERE NOT EXISTS (
    SELECT 1 FROM suppression
    WHERE kind = $kind AND hash = $hash AND source = $source AND reason = $reason
);
