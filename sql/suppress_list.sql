-- suppress list: the store without raw values (emails and phones are only
-- hashes; value holds domains, which are company data).
-- $reason ('' = any), $kind ('' = any), $source ('' = any)
SELECT kind, hash, coalesce(value, ''), reason, source, added_at, added_by, expires_at, coalesce(note, '')
FROM suppression
WHERE ($reason = '' OR reason = $reason)
  AND ($kind = '' OR kind = $kind)
  AND ($source = '' OR source = $source)
ORDER BY kind, reason, source, hash;
