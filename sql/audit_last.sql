-- The tail of the chain: the last seq and its hash (0 and '' when empty).
SELECT coalesce(max(seq), 0) AS seq,
       coalesce(arg_max(hash, seq), '') AS hash
FROM audit_log;
