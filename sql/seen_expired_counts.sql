-- retention: how many subjects of each source seen_write.sql forgot or
-- marked expired
SELECT source, count(*) FROM seen_next WHERE _forget OR _expire GROUP BY source ORDER BY source
