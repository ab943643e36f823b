-- suppress remove / unrestrict: delete one value's entries that an
-- explicit command may remove: never an erasure tombstone, never a synced
-- list entry (the next sync would bring it back; edit the list instead).
-- $kind, $hash, $source ('' = any), $reason ('' = any)
DELETE FROM suppression
WHERE kind = $kind AND hash = $hash
  AND reason <> 'erasure' AND added_by <> 'sync'
  AND ($source = '' OR source = $source)
  AND ($reason = '' OR reason = $reason);
