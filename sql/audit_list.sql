-- Audit entries in chain order; with a subject key ($1 non-empty) only that subject's.
SELECT seq, "at", actor, action, coalesce(subject_key, ''), coalesce(details, ''), prev_hash, hash
FROM audit_log
WHERE ? = '' OR subject_key = ?
ORDER BY seq;
