-- The hash of the entry at one seq (no row when the log has no such entry).
SELECT hash FROM audit_log WHERE seq = ?;
