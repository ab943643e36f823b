-- suppress import: merge supp_in (hashed by suppress_sync.sql from the
-- file) into the store as entries of one source. Additive: nothing is
-- removed; entries already stored for this source and reason are kept as
-- they are. added_by is the person importing, so list syncs (which only
-- touch added_by = 'sync') leave these entries alone.
-- $kind, $reason, $source, $now, $actor, $expires, $note
INSERT INTO suppression (kind, hash, value, reason, source, added_at, added_by, expires_at, note)
SELECT CAST($kind AS VARCHAR), i.hash, any_value(i.value), CAST($reason AS VARCHAR), CAST($source AS VARCHAR),
       CAST($now AS TIMESTAMP), CAST($actor AS VARCHAR), CAST($expires AS TIMESTAMP), CAST($note AS VARCHAR)
FROM supp_in i
-- an explicit anti join, as in suppress_merge.sql (a correlated NOT EXISTS
-- was three times slower over a 1M-entry source)
ANTI JOIN (
    SELECT hash FROM suppression
    WHERE kind = CAST($kind AS VARCHAR) AND source = CAST($source AS VARCHAR) AND reason = CAST($reason AS VARCHAR)
) s ON s.hash = i.hash
WHERE i.hash IS NOT NULL
GROUP BY i.hash
-- in hash order when it fills more than one row group, as suppress_merge.sql
-- and for the same reason
{{if .Sorted}}ORDER BY i.hash{{end}};
