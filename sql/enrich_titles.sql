-- enrich: department and seniority for each distinct job title, from the
-- rule table sql/title_rules.csv (first matching rule by priority wins).
CREATE OR REPLACE TEMP TABLE title_map AS
WITH titles AS (SELECT DISTINCT job_title FROM people_n WHERE job_title IS NOT NULL),
matches AS (
    SELECT t.job_title, r.field, r.value, r.priority
    FROM titles t JOIN title_rules r
      ON regexp_matches(' ' || regexp_replace(lower(t.job_title), '[^a-z0-9&]+', ' ', 'g') || ' ', r.pattern)
)
SELECT t.job_title,
       coalesce((SELECT arg_min(value, priority) FROM matches m WHERE m.job_title = t.job_title AND m.field = 'department'), 'other') AS department,
       coalesce((SELECT arg_min(value, priority) FROM matches m WHERE m.job_title = t.job_title AND m.field = 'seniority'), 'staff') AS seniority
FROM titles t;
