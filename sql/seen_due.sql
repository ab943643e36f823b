-- retention: how many subjects seen_write.sql would forget or mark
-- expired under seen_rules (seen_rule.sql): a purge writes a new
-- generation of subject_seen only when some would.
SELECT count(*) FROM subject_seen s JOIN seen_rules r ON r.source = s.source
WHERE (r.last_seen AND s.last_seen < r.cutoff)
   OR (NOT r.last_seen AND s.expired_at IS NULL AND s.first_seen < r.cutoff)
