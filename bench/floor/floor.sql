-- The floor: the nightly job as ONE hand-written DuckDB script, run through
-- duckdb-go directly by bench/floor/main.go. No config, no catalog, no
-- lineage, no run state, no provenance columns. Normalisation uses the same
-- pl_* functions as the engine (pipeline/engine udf.go), so the exported
-- row count matches `pipeline run` exactly; the rest is plain DuckDB SQL.
-- Placeholders (substituted as quoted string literals by main.go):
--   :companies :people :unsubscribes :blocked_domains :ctps :title_rules :type_rules :out

-- companies: normalised, one row per domain, the most complete row wins
-- (only domains written more than once are ranked, as the pipeline does)
CREATE TEMP TABLE companies_n AS
WITH norm AS MATERIALIZED (
    SELECT pl_domain(website)                                           AS domain,
           nullif(trim(company_name), '')                               AS name,
           nullif(trim(industry), '')                                   AS industry,
           TRY_CAST(replace(replace(trim(employees), ',', ''), '_', '') AS BIGINT) AS employees,
           nullif(upper(trim(country)), '')                             AS country,
           nullif(lower(trim(email_pattern)), '')                       AS email_pattern,
           nullif(regexp_replace(lower(trim(company_type)), '[^a-z]+', '_', 'g'), '') AS company_type
    FROM read_csv(:companies, all_varchar = true)
), dups AS (
    SELECT domain FROM norm WHERE domain IS NOT NULL GROUP BY domain HAVING count(*) > 1
)
SELECT * FROM norm WHERE domain IS NOT NULL AND domain NOT IN (SELECT domain FROM dups)
UNION ALL
SELECT * EXCLUDE (_rank) FROM (
    SELECT *, row_number() OVER (
        PARTITION BY domain
        ORDER BY (name IS NULL)::INT + (employees IS NULL)::INT + (country IS NULL)::INT + (email_pattern IS NULL)::INT,
                 name, employees, country, email_pattern, company_type) AS _rank
    FROM norm WHERE domain IN (SELECT domain FROM dups)
) WHERE _rank = 1;

-- targeting predicate (pipeline.yaml targeting.companies), and each
-- target's PECR subscriber type as sql/enrich_subscribers.sql decides it
-- (sql/company_type_rules.csv: company_type, else the name's legal suffix;
-- lowest priority wins; no rule: unknown, never exported)
CREATE TEMP TABLE target_companies AS
WITH t AS (
    SELECT *,
        ' ' || trim(regexp_replace(lower(coalesce(company_type, '')), '[^a-z0-9&]+', ' ', 'g')) || ' ' AS type_n,
        ' ' || trim(regexp_replace(lower(coalesce(name, '')), '[^a-z0-9&]+', ' ', 'g')) || ' ' AS name_n
    FROM companies_n WHERE country IN ('GB','IE') AND employees >= 50
), rules AS (
    SELECT "column" AS col, pattern, subscriber, form, CAST(priority AS INTEGER) AS priority
    FROM read_csv(:type_rules, all_varchar = true, header = true)
), types AS (
    SELECT type_n, first(r.subscriber ORDER BY r.priority, r.form) AS subscriber
    FROM (SELECT DISTINCT type_n FROM t WHERE company_type IS NOT NULL)
    JOIN rules r ON r.col = 'company_type' AND regexp_matches(type_n, r.pattern)
    GROUP BY type_n
), names AS (
    SELECT name_n, first(r.subscriber ORDER BY r.priority, r.form) AS subscriber
    FROM (SELECT DISTINCT name_n FROM t WHERE company_type IS NULL)
    JOIN rules r ON r.col = 'name' AND regexp_matches(name_n, r.pattern)
    GROUP BY name_n
)
SELECT t.* EXCLUDE (type_n, name_n),
       CASE WHEN t.company_type IS NOT NULL THEN coalesce(ty.subscriber, 'unknown')
            ELSE coalesce(n.subscriber, 'unknown') END AS subscriber
FROM t
LEFT JOIN types ty ON t.company_type IS NOT NULL AND ty.type_n = t.type_n
LEFT JOIN names n ON t.company_type IS NULL AND n.name_n = t.name_n;

-- people at target companies (company domain from the email when missing)
CREATE TEMP TABLE people_raw AS
SELECT *, CASE WHEN company_domain IS NULL OR company_domain = '' THEN split_part(email, '@', 2)
                WHEN ascii(company_domain) = 32 OR ascii(company_domain) > 127
                    THEN coalesce(nullif(trim(company_domain), ''), split_part(email, '@', 2))
                ELSE company_domain END AS _dom_raw  -- as sql/enrich_people.sql: pl_domain trims
FROM read_csv(:people, all_varchar = true);

-- narrow: which row, its company domain and title; the other columns are
-- read for people in target roles only (as the pipeline does)
CREATE TEMP TABLE people_n AS
WITH domains AS (
    SELECT raw, pl_domain(raw) AS domain
    FROM (SELECT DISTINCT _dom_raw AS raw FROM people_raw WHERE _dom_raw IS NOT NULL AND _dom_raw <> '')
)
SELECT p.rowid AS _rid, d.domain AS company_domain, nullif(trim(p.job_title), '') AS job_title
FROM people_raw p
JOIN domains d ON d.raw = p._dom_raw
JOIN target_companies c ON c.domain = d.domain;

-- department and seniority per distinct job title (sql/title_rules.csv)
CREATE TEMP TABLE title_map AS
WITH rules AS (
    SELECT field, value, CAST(priority AS INTEGER) AS priority, pattern
    FROM read_csv(:title_rules, all_varchar = true, header = true)
), m AS (
    SELECT t.job_title, r.field, r.value, r.priority
    FROM (SELECT DISTINCT job_title FROM people_n WHERE job_title IS NOT NULL) t
    JOIN rules r ON regexp_matches(' ' || regexp_replace(lower(t.job_title), '[^a-z0-9&]+', ' ', 'g') || ' ', r.pattern)
)
SELECT job_title,
       coalesce(arg_min(value, priority) FILTER (WHERE field = 'department'), 'other') AS department,
       coalesce(arg_min(value, priority) FILTER (WHERE field = 'seniority'), 'staff') AS seniority
FROM m GROUP BY job_title;

-- suppression lists, normalised and hashed
CREATE TEMP TABLE supp_email AS
SELECT DISTINCT sha256(e) AS hash FROM (SELECT pl_email(email) AS e FROM read_csv(:unsubscribes, all_varchar = true)) WHERE e IS NOT NULL;
CREATE TEMP TABLE supp_domain AS
SELECT DISTINCT d AS domain FROM (SELECT pl_domain(domain) AS d FROM read_csv(:blocked_domains, all_varchar = true)) WHERE d IS NOT NULL;
CREATE TEMP TABLE supp_phone AS
SELECT DISTINCT sha256(p) AS hash FROM (SELECT pl_phone(phone, 'GB') AS p FROM read_csv(:ctps, all_varchar = true)) WHERE p IS NOT NULL;

-- prospects: target roles, derived emails, email types, one row per subject,
-- suppressed, exported (Parquet, zstd, partitioned by country)
COPY (
WITH picked AS (
    SELECT p._rid, p.company_domain, coalesce(tm.department, 'other') AS department, coalesce(tm.seniority, 'staff') AS seniority
    FROM people_n p LEFT JOIN title_map tm USING (job_title)
    WHERE coalesce(tm.department, 'other') = 'finance' AND coalesce(tm.seniority, 'staff') IN ('director', 'c_level')
), roled AS (
    SELECT nullif(trim(p.first_name), '')   AS first_name,
           nullif(trim(p.last_name), '')    AS last_name,
           nullif(trim(p.email), '')        AS email_raw,
           nullif(trim(p.job_title), '')    AS job_title,
           k.company_domain,
           nullif(trim(p.phone), '')        AS phone_raw,
           nullif(trim(p.linkedin_url), '') AS linkedin_url,
           nullif(upper(trim(p.country)), '') AS person_country,
           c.name AS company_name, c.industry, c.employees, c.country AS company_country,
           c.email_pattern, c.subscriber, k.department, k.seniority
    FROM people_raw p
    JOIN picked k ON k._rid = p.rowid
    JOIN target_companies c ON c.domain = k.company_domain
), named AS (
    SELECT *,
        regexp_replace(lower(strip_accents(translate(coalesce(first_name, ''), 'łŁøØđĐßæÆ', 'lLoOdDsaA'))), '[^a-z]', '', 'g') AS fn,
        regexp_replace(lower(strip_accents(translate(coalesce(last_name, ''),  'łŁøØđĐßæÆ', 'lLoOdDsaA'))), '[^a-z]', '', 'g') AS ln
    FROM roled
), derived AS (
    SELECT *,
        CASE WHEN email_raw IS NOT NULL THEN pl_email(email_raw)
             WHEN email_pattern IS NOT NULL AND fn <> '' AND ln <> '' THEN pl_email(
                replace(replace(replace(replace(email_pattern, '{first}', fn), '{last}', ln), '{f}', left(fn, 1)), '{l}', left(ln, 1))
                || '@' || company_domain)
        END AS email_norm,
        email_raw IS NULL AND email_pattern IS NOT NULL AND fn <> '' AND ln <> '' AS from_pattern
    FROM named
    WHERE email_raw IS NOT NULL OR (email_pattern IS NOT NULL AND fn <> '' AND ln <> '')
), keyed AS (
    SELECT *,
        coalesce(email_norm, lower(email_raw)) AS email,
        CASE WHEN email_norm IS NULL THEN 'invalid' ELSE pl_email_type(email_norm) END AS email_type,
        sha256(coalesce(email_norm, lower(email_raw))) AS subject_key,
        coalesce(company_country, person_country) AS country
    FROM derived
), prospects AS (
    SELECT * FROM keyed
    QUALIFY row_number() OVER (
        PARTITION BY subject_key
        ORDER BY from_pattern,
                 (first_name IS NULL)::INT + (last_name IS NULL)::INT + (job_title IS NULL)::INT + (phone_raw IS NULL)::INT + (linkedin_url IS NULL)::INT,
                 first_name, last_name, job_title, phone_raw, linkedin_url) = 1
), deliverable AS (
    SELECT p.* REPLACE (
        CASE WHEN sha256(pl_phone(p.phone_raw, coalesce(p.person_country, p.country))) IN (SELECT hash FROM supp_phone)
             THEN NULL ELSE pl_phone(p.phone_raw, coalesce(p.person_country, p.country)) END AS phone_raw)
    FROM prospects p
    WHERE p.subject_key NOT IN (SELECT hash FROM supp_email)
      AND p.company_domain NOT IN (SELECT domain FROM supp_domain)
      AND split_part(p.email, '@', 2) NOT IN (SELECT domain FROM supp_domain)
)
SELECT subject_key, first_name, last_name, job_title, email, company_name, company_domain, country
FROM deliverable
WHERE country IN ('GB', 'IE')
  AND subscriber = 'corporate'  -- PECR: corporate subscribers only (a personal email is never webmail)
  AND email_type = 'personal'
ORDER BY country, subject_key
) TO :out (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (country), FILENAME_PATTERN 'part-{i}');
