-- enrich: department and seniority for each distinct job title, from the
-- rule table sql/title_rules.csv by the one rule title_class.sql states
-- (the lowest-priority matching rule wins; rectify maps a corrected title
-- with the same rule).
CREATE OR REPLACE TEMP TABLE title_map AS
WITH titles AS (SELECT DISTINCT job_title FROM people_n WHERE job_title IS NOT NULL)
SELECT t.job_title,
       {{template "title_class" (args "'department'" "t.job_title" "'other'")}} AS department,
       {{template "title_class" (args "'seniority'" "t.job_title" "'staff'")}} AS seniority
FROM titles t;
