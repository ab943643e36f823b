-- subjects suppressed by phone (supp_hits, suppress_deliverable.sql)
SELECT count(DISTINCT subject_key) FROM supp_hits WHERE kind = 'phone'
