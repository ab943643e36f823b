-- Record in a run's row the audit log's head when the run started: an
-- anchor of the hash chain outside audit_log (pipeline/audit/anchor.go).
UPDATE runs SET audit_seq = ?, audit_hash = ? WHERE run_id = ?;
