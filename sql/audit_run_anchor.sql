-- The newest audit head recorded in a run's record (runs.audit_seq,
-- runs.audit_hash): an anchor of the chain kept outside audit_log. No row
-- when no run recorded one (or the runs table predates the columns).
SELECT audit_seq, audit_hash
FROM runs
WHERE audit_seq > 0
ORDER BY audit_seq DESC
LIMIT 1;
