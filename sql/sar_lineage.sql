-- sar: which export files received the subject, for whom and when.
-- $key
SELECT export, campaign, recipient, dir, file, run_id, exported_at
FROM lineage
WHERE subject_key = $key
ORDER BY exported_at, export, file;
