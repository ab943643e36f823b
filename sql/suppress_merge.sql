-- suppress: merge one list's hashes (In: the table suppress_sync.sql
-- wrote) into the store. Entries that stay keep their added_at. Entries
-- that left the list leave the store, except those with a sticky reason
-- ($sticky: objection, unsubscribe; pipeline/suppress/permanent.go): a
-- line dropped from a vendor's file is not the person withdrawing their
-- wish, so a sync only ever adds those. For the same reason a list whose
-- reason changed turns its entries into the new reason only when that
-- lifts nothing: a sticky entry changes only into an objection.
-- $kind, $reason, $source, $now, $sticky
DELETE FROM suppression
WHERE source = $source AND kind = $kind AND added_by = 'sync'
  AND NOT list_contains(CAST($sticky AS VARCHAR[]), reason)
  AND hash NOT IN (SELECT hash FROM {{table .In}} WHERE hash IS NOT NULL);
UPDATE suppression SET reason = $reason
WHERE source = $source AND kind = $kind AND added_by = 'sync' AND reason <> $reason
  AND reason <> 'objection'
  AND (NOT list_contains(CAST($sticky AS VARCHAR[]), reason) OR $reason = 'objection');
INSERT INTO suppression (kind, hash, value, reason, source, added_at, added_by)
SELECT DISTINCT $kind, i.hash, i.value, $reason, $source, CAST($now AS TIMESTAMP), 'sync'
FROM {{table .In}} i
-- an explicit anti join of the list's own entries (DuckDB plans it
-- better than a correlated NOT EXISTS)
ANTI JOIN (SELECT hash FROM suppression WHERE source = $source AND kind = $kind) s ON s.hash = i.hash
WHERE i.hash IS NOT NULL
-- in hash order when the list fills more than one row group
-- (engine.SortForLookups): each row group then holds a narrow range of
-- hashes, so a lookup by hash (the SAR, `suppress check`) skips the
-- others by their min/max instead of reading 1M hashes
{{if .Sorted}}ORDER BY i.hash{{end}};
