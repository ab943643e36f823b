-- suppress check / remove: the store's entries for one value. An email is
-- also matched by a domain list on its domain ($domain), since domain
-- lists remove everyone at the domain.
-- $kind, $hash, $domain
SELECT kind, hash, coalesce(value, ''), reason, source, added_at, added_by, expires_at, coalesce(note, '')
FROM suppression
WHERE (kind = $kind AND hash = $hash)
   OR (kind = 'domain' AND value = CAST($domain AS VARCHAR))
ORDER BY added_at, source, reason;
