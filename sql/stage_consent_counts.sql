-- stage: what stage_consent.sql left out: rows without a usable email or
-- hash, and rows of erased subjects. Then its work table is dropped.
SELECT count(*) FILTER (WHERE subject_key IS NULL) AS unusable,
       count(*) FILTER (WHERE subject_key IS NOT NULL AND coalesce(__pl_erased, false)) AS erased
FROM consent_in;
