-- stage: how many rows of a source belong to erased subjects (refused).
SELECT count(*) FROM {{.Scan}}
WHERE sha256(pl_email({{q .TombstoneEmail}})) IN (
    SELECT hash FROM suppression WHERE kind = 'email' AND reason = 'erasure'
);
