-- enrich: prospects — people in targeting.roles at target companies, with
-- a derived work email where one is missing, email and subscriber types,
-- GDPR region, subject_key = sha256(normalised email), one row per subject.
-- Built as prospects_work in the run's in-memory scratch database, outside
-- the run's write transaction (DuckDB reads a transaction's own large
-- writes slowly), where a second connection can classify it while the
-- first goes on; enrich_publish.sql copies it into the warehouse inside it.
-- $run_id, $now
CREATE OR REPLACE TEMP TABLE roled AS
-- the job titles in targeting.roles (a handful), then only their people,
-- whose columns are read from the raw tables by (source, rowid) now:
-- nothing costly runs for the others. A missing title counts as other/staff.
WITH target_titles AS (
    SELECT tm.job_title, tm.department, tm.seniority FROM title_map tm
    WHERE EXISTS (SELECT 1 FROM target_roles r WHERE r.department = tm.department
                  AND (r.seniority IS NULL OR r.seniority = tm.seniority))
), picked AS (
    SELECT p._src_order, p._src_rowid, p.company_domain, t.department, t.seniority
    FROM people_n p JOIN target_titles t ON t.job_title = p.job_title
    UNION ALL
    SELECT p._src_order, p._src_rowid, p.company_domain, 'other' AS department, 'staff' AS seniority FROM people_n p
    WHERE p.job_title IS NULL
      AND EXISTS (SELECT 1 FROM target_roles r WHERE r.department = 'other' AND (r.seniority IS NULL OR r.seniority = 'staff'))
), src AS (
{{- range $i, $s := .Sources}}
    {{if $i}}UNION ALL BY NAME {{end}}SELECT {{$i}} AS _src_order, {{template "source_rowid.sql" $s}} AS _src_rowid, *{{range $s.Missing}}, NULL::VARCHAR AS {{q .}}{{end}} FROM {{template "source_from.sql" $s}}
{{- end}}
)
SELECT
    nullif(trim(s.first_name), '')     AS first_name,
    nullif(trim(s.last_name), '')      AS last_name,
    nullif(trim(s.email), '')          AS email_raw,
    nullif(trim(s.job_title), '')      AS job_title,
    k.company_domain,
    nullif(trim(s.phone), '')          AS phone_raw,
    nullif(trim(s.linkedin_url), '')   AS linkedin_url,
    nullif(upper(trim(s.country)), '') AS person_country,
{{- range .Extras}}
    s.{{q .}},
{{- end}}
    s._source, s._src_order,
    c.name AS company_name, c.industry, c.employees, c.country AS company_country,
    c.email_pattern, c.company_type, cs.company_subscriber, cs.subscriber_basis AS company_basis,
    k.department, k.seniority
FROM src s
JOIN picked k ON k._src_order = s._src_order AND k._src_rowid = s._src_rowid
JOIN target_companies c ON c.domain = k.company_domain
LEFT JOIN company_subscribers cs ON cs.domain = c.domain;
CREATE OR REPLACE TABLE pl_scratch.prospects_work AS
WITH derived AS (
    SELECT *,
        CASE
            WHEN email_raw IS NOT NULL THEN pl_email(email_raw)
            -- derive_email.sql, shared with stage_table.sql's erasure screen
            WHEN email_pattern IS NOT NULL AND fn <> '' AND ln <> ''
                THEN {{template "email_from_pattern" (args "email_pattern" "fn" "ln" "company_domain")}}
        END AS email,
        CASE WHEN email_raw IS NOT NULL THEN 'source'
             WHEN email_pattern IS NOT NULL AND fn <> '' AND ln <> '' THEN 'pattern' END AS email_origin
    FROM (
        SELECT *,
            {{template "name_letters" "first_name"}} AS fn,
            {{template "name_letters" "last_name"}} AS ln
        FROM roled
    )
), typed AS (
    SELECT d.*,
        coalesce(d.email, lower(d.email_raw)) AS email_out,
        -- invalid | role | free_webmail | personal: normalize.ClassifyEmail
        -- over the vendored lists (pipeline/normalize/lists)
        CASE WHEN d.email IS NULL THEN 'invalid' ELSE pl_email_type(d.email) END AS email_type
    FROM derived d
    WHERE d.email IS NOT NULL OR d.email_raw IS NOT NULL
), keyed AS (
    SELECT *,
        sha256(email_out) AS subject_key,
        -- PECR (sql/enrich_subscribers.sql): a free-webmail or ISP address
        -- is an individual subscriber; otherwise the company decides, and
        -- a company no rule decided is 'unknown', never 'corporate'
        CASE WHEN email_type = 'free_webmail' THEN 'individual'
             ELSE coalesce(company_subscriber, 'unknown') END AS subscriber_type,
        CASE WHEN email_type = 'free_webmail' THEN 'email:free_webmail'
             ELSE coalesce(company_basis, 'no_company_type_or_legal_suffix') END AS subscriber_basis,
        coalesce(company_country, person_country) AS country_out
    FROM typed
), ranked AS (
    SELECT *,
        row_number() OVER (
            PARTITION BY subject_key
            ORDER BY email_origin = 'pattern', _src_order,
                     (first_name IS NULL)::INT + (last_name IS NULL)::INT + (job_title IS NULL)::INT + (phone_raw IS NULL)::INT + (linkedin_url IS NULL)::INT,
                     first_name, last_name, job_title, phone_raw, linkedin_url
        ) AS _rank,
        list_sort(list(DISTINCT _source) OVER (PARTITION BY subject_key)) AS _sources
    FROM keyed
), kept AS (
    SELECT * FROM ranked WHERE _rank = 1
), phones AS (
    -- one libphonenumber parse (~15 us) per distinct written number and
    -- country: colleagues share switchboard numbers (the bench's
    -- prospects: 11k phones, 7k distinct)
    SELECT _ph_raw, _ph_cc, pl_phone(_ph_raw, _ph_cc) AS _ph_e164
    FROM (SELECT DISTINCT phone_raw AS _ph_raw, coalesce(person_country, country_out) AS _ph_cc
          FROM kept WHERE phone_raw IS NOT NULL)
)
SELECT
    subject_key,
    first_name,
    last_name,
    job_title,
    department,
    seniority,
    email_out AS email,
    email_type,
    email_origin,
    subscriber_type,
    subscriber_basis,
    _ph_e164 AS phone,
    linkedin_url,
    company_name,
    company_domain,
    industry,
    employees,
    country_out AS country,
    country_out IN ('AT','BE','BG','HR','CY','CZ','DK','EE','FI','FR','DE','GR','HU','IE','IT','LV','LT','LU','MT','NL','PL','PT','RO','SK','SI','ES','SE','IS','LI','NO','GB') AS gdpr_region,
{{- range .Extras}}
    {{q .}},
{{- end}}
    _source,
    _sources,
    CAST($run_id AS VARCHAR) AS _run_id,
    CAST($now AS TIMESTAMP) AS _loaded_at
FROM kept
LEFT JOIN phones ON _ph_raw = phone_raw AND _ph_cc IS NOT DISTINCT FROM coalesce(person_country, country_out)
ORDER BY subject_key;
