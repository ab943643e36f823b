-- suppress remove / unrestrict: delete one value's entries that an
-- explicit command may remove: never an erasure tombstone, never an
-- objection (only suppress_unobject.sql lifts one, with evidence), never an entry
-- of a mirrored list (the next sync would bring it back; edit the list
-- instead). Entries of lists with a sticky reason ($sticky: a sync adds
-- them and never removes them) may be removed here.
-- $kind, $hash, $source ('' = any), $reason ('' = any), $sticky
DELETE FROM suppression
WHERE kind = $kind AND hash = $hash
  AND reason NOT IN ('erasure', 'objection')
  AND (added_by <> 'sync' OR list_contains(CAST($sticky AS VARCHAR[]), reason))
  AND ($source = '' OR source = $source)
  AND ($reason = '' OR reason = $reason);
