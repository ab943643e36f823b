-- retention: how many subjects of each source seen_write.sql will forget
-- (a last_seen source's, not seen since the cutoff, nor now: seen_now) or
-- mark expired (a first_seen source's, newly past it). A purge writes a
-- new generation only when some will. (seen_work.sql made both tables.)
SELECT s.source, count(*) FROM subject_seen s JOIN seen_rules r ON r.source = s.source
WHERE (r.last_seen AND s.last_seen < r.cutoff
       AND NOT (s.expired_at IS NULL AND EXISTS (SELECT 1 FROM seen_now n WHERE n.subject_key = s.subject_key AND n.source = s.source)))
   OR (NOT r.last_seen AND s.expired_at IS NULL AND s.first_seen < r.cutoff)
GROUP BY s.source ORDER BY s.source
