-- retention: one people source's subjects whose retention has run out.
-- retention_from first_seen: marked expired (kept, subject_key only, so
-- that the source's next files do not stage them again). last_seen: the
-- record is forgotten (they are in none of the source's rows any more; if
-- the source lists them again that is a new relationship).
-- $source, $cutoff, $now
{{- if .LastSeen}}
DELETE FROM subject_seen
WHERE source = $source AND last_seen < CAST($cutoff AS TIMESTAMP);
{{- else}}
UPDATE subject_seen SET expired_at = CAST($now AS TIMESTAMP)
WHERE source = $source AND expired_at IS NULL AND first_seen < CAST($cutoff AS TIMESTAMP);
{{- end}}
