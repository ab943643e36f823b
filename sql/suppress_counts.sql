-- suppress: people removed (or phones removed) per list and reason.
SELECT source, kind, reason, count(DISTINCT subject_key) AS people
FROM supp_hits GROUP BY ALL ORDER BY source, kind, reason;
