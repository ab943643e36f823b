-- enrich: corrections a data subject asked for (`pipeline rectify`, table
-- rectifications) replace the sources' values in prospects_work, after
-- staging and before anything else reads it (classification samples,
-- withholding, prospects, deliverable, exports): the source's wrong value
-- never comes back. The latest correction of each column wins; '' means
-- no value. A corrected job title is mapped to its department and
-- seniority again (title_class.sql), and a subject it takes out of
-- targeting.roles leaves prospects (minimisation). The raw_<source>
-- tables keep what the source delivered (docs/rectify.md).
CREATE OR REPLACE TEMP TABLE rectified AS
WITH latest AS (
    SELECT subject_key, "column", arg_max(value, corrected_at) AS value
    FROM rectifications
    GROUP BY subject_key, "column"
)
SELECT subject_key,
    bool_or("column" = 'first_name')   AS set_first_name,   nullif(max(value) FILTER (WHERE "column" = 'first_name'), '')   AS first_name,
    bool_or("column" = 'last_name')    AS set_last_name,    nullif(max(value) FILTER (WHERE "column" = 'last_name'), '')    AS last_name,
    bool_or("column" = 'job_title')    AS set_job_title,    nullif(max(value) FILTER (WHERE "column" = 'job_title'), '')    AS job_title,
    bool_or("column" = 'phone')        AS set_phone,        nullif(max(value) FILTER (WHERE "column" = 'phone'), '')        AS phone,
    bool_or("column" = 'linkedin_url') AS set_linkedin_url, nullif(max(value) FILTER (WHERE "column" = 'linkedin_url'), '') AS linkedin_url
FROM latest
GROUP BY subject_key;
UPDATE pl_scratch.prospects_work AS p SET
    first_name   = CASE WHEN r.set_first_name   THEN r.first_name   ELSE p.first_name END,
    last_name    = CASE WHEN r.set_last_name    THEN r.last_name    ELSE p.last_name END,
    job_title    = CASE WHEN r.set_job_title    THEN r.job_title    ELSE p.job_title END,
    phone        = CASE WHEN r.set_phone        THEN r.phone        ELSE p.phone END,
    linkedin_url = CASE WHEN r.set_linkedin_url THEN r.linkedin_url ELSE p.linkedin_url END
FROM rectified r
WHERE r.subject_key = p.subject_key;
UPDATE pl_scratch.prospects_work AS p SET
    department = {{template "title_class" (args "'department'" "p.job_title" "'other'")}},
    seniority  = {{template "title_class" (args "'seniority'" "p.job_title" "'staff'")}}
WHERE p.subject_key IN (SELECT subject_key FROM rectified WHERE set_job_title);
DELETE FROM pl_scratch.prospects_work AS p
WHERE p.subject_key IN (SELECT subject_key FROM rectified WHERE set_job_title)
  AND NOT EXISTS (SELECT 1 FROM target_roles t
                  WHERE t.department = p.department AND (t.seniority IS NULL OR t.seniority = p.seniority));
