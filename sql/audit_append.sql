-- Append one audit entry; seq, prev_hash and hash are computed by the caller
-- from the last row (pipeline/audit.Append).
INSERT INTO audit_log (seq, "at", actor, action, subject_key, details, prev_hash, hash)
VALUES (?, ?, ?, ?, ?, ?, ?, ?);
