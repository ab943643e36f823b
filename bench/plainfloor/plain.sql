-- The plain floor: the nightly job as one DuckDB script with built-in
-- functions only (lower, trim, regexp_replace, strip_accents, sha256,
-- joins, anti-joins): what a data engineer writes in an afternoon. No
-- pl_* functions, no code shared with the pipeline; it reads the same rule
-- and list files as data (title rules, company-type rules, the vendored
-- email lists). Run by bench/plainfloor/main.go.
-- Placeholders (substituted as quoted string literals by main.go):
--   :companies :people :unsubscribes :blocked_domains :ctps :title_rules
--   :type_rules :free :disposable :roles :out

-- a domain as typed into a spreadsheet: scheme, user@, www., path, port
-- and a trailing dot dropped, lower case; NULL unless it looks like a host
CREATE TEMP MACRO domain_of(x) AS (
    regexp_replace(regexp_replace(regexp_replace(regexp_replace(lower(trim(x)),
        '^(mailto:|[a-z][a-z0-9+.-]*://|//)', ''),
        '[/?#\\].*$', ''),
        '^.*@|:[0-9]*$', '', 'g'),
        '^www\.|\.$', '', 'g'));
CREATE TEMP MACRO norm_domain(x) AS (nullif(regexp_extract(domain_of(x),
    '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\.[a-z][a-z0-9-]*[a-z0-9]$'), ''));
-- an email address: trimmed, lower case, checked with one pattern
CREATE TEMP MACRO norm_email(x) AS (nullif(regexp_extract(lower(trim(x)),
    '^[a-z0-9!#$%&''*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&''*+/=?^_`{|}~-]+)*@[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$'), ''));
-- a phone number: digits, 00 -> +, a national 0 -> the country's code
CREATE TEMP MACRO digits_of(x) AS (regexp_replace(replace(x, '(0)', ''), '[^0-9+]', '', 'g'));
CREATE TEMP MACRO norm_phone(x, cc) AS (nullif(regexp_extract(
    CASE WHEN starts_with(digits_of(x), '00') THEN '+' || digits_of(x)[3:]
         WHEN starts_with(digits_of(x), '0') AND cc = 'IE' THEN '+353' || digits_of(x)[2:]
         WHEN starts_with(digits_of(x), '0') AND coalesce(cc, 'GB') = 'GB' THEN '+44' || digits_of(x)[2:]
         ELSE digits_of(x) END, '^\+[1-9][0-9]{6,14}$'), ''));
-- a list file: one entry a line, # comments
CREATE TEMP MACRO list_of(path) AS TABLE
    SELECT DISTINCT lower(trim(split_part(l, '#', 1))) AS v
    FROM (SELECT unnest(string_split(content, chr(10))) AS l FROM read_text(path))
    WHERE trim(split_part(l, '#', 1)) <> '';

CREATE TEMP TABLE free_domains AS SELECT v AS domain FROM list_of(:free);
CREATE TEMP TABLE disposable_domains AS SELECT v AS domain FROM list_of(:disposable);
CREATE TEMP TABLE role_locals AS SELECT v AS local FROM list_of(:roles);

-- companies: normalised, one row per domain, the most complete row wins
CREATE TEMP TABLE companies_n AS
SELECT * EXCLUDE (_rank) FROM (
    SELECT *, row_number() OVER (
        PARTITION BY domain
        ORDER BY (name IS NULL)::INT + (employees IS NULL)::INT + (country IS NULL)::INT + (email_pattern IS NULL)::INT,
                 name, employees, country, email_pattern, company_type) AS _rank
    FROM (
        SELECT norm_domain(website)                                           AS domain,
               nullif(trim(company_name), '')                                 AS name,
               TRY_CAST(replace(replace(trim(employees), ',', ''), '_', '') AS BIGINT) AS employees,
               nullif(upper(trim(country)), '')                               AS country,
               nullif(lower(trim(email_pattern)), '')                         AS email_pattern,
               nullif(trim(company_type), '')                                 AS company_type
        FROM read_csv(:companies, all_varchar = true)
    ) WHERE domain IS NOT NULL
) WHERE _rank = 1;

-- targeting, and each target's PECR subscriber type from the company-type
-- rules (company_type, else the name's legal suffix; lowest priority wins;
-- nothing matched: unknown)
CREATE TEMP TABLE target_companies AS
WITH t AS (
    SELECT *, ' ' || trim(regexp_replace(lower(coalesce(company_type, '')), '[^a-z0-9&]+', ' ', 'g')) || ' ' AS type_n,
              ' ' || trim(regexp_replace(lower(coalesce(name, '')), '[^a-z0-9&]+', ' ', 'g')) || ' ' AS name_n
    FROM companies_n WHERE country IN ('GB', 'IE') AND employees >= 50
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

-- people at target companies (the company's domain from the email when missing)
CREATE TEMP TABLE people_t AS
WITH p AS (
    SELECT *, coalesce(nullif(trim(company_domain), ''), split_part(email, '@', 2)) AS dom_raw
    FROM read_csv(:people, all_varchar = true)
), d AS (
    SELECT dom_raw, norm_domain(dom_raw) AS domain FROM (SELECT DISTINCT dom_raw FROM p)
)
SELECT nullif(trim(p.first_name), '')   AS first_name,
       nullif(trim(p.last_name), '')    AS last_name,
       nullif(trim(p.email), '')        AS email_raw,
       nullif(trim(p.job_title), '')    AS job_title,
       nullif(trim(p.phone), '')        AS phone,
       nullif(trim(p.linkedin_url), '') AS linkedin_url,
       nullif(upper(trim(p.country)), '') AS person_country,
       c.domain AS company_domain, c.name AS company_name, c.country AS company_country,
       c.email_pattern, c.subscriber
FROM p
JOIN d USING (dom_raw)
JOIN target_companies c ON c.domain = d.domain;

-- department and seniority per distinct job title (the title rules)
CREATE TEMP TABLE title_map AS
WITH rules AS (
    SELECT field, value, CAST(priority AS INTEGER) AS priority, pattern
    FROM read_csv(:title_rules, all_varchar = true, header = true)
)
SELECT t.job_title,
       coalesce(arg_min(r.value, r.priority) FILTER (WHERE r.field = 'department'), 'other') AS department,
       coalesce(arg_min(r.value, r.priority) FILTER (WHERE r.field = 'seniority'), 'staff') AS seniority
FROM (SELECT DISTINCT job_title FROM people_t WHERE job_title IS NOT NULL) t
LEFT JOIN rules r ON regexp_matches(' ' || regexp_replace(lower(t.job_title), '[^a-z0-9&]+', ' ', 'g') || ' ', r.pattern)
GROUP BY t.job_title;

-- suppression lists, normalised and hashed
CREATE TEMP TABLE supp_email AS
SELECT DISTINCT sha256(norm_email(email)) AS hash FROM read_csv(:unsubscribes, all_varchar = true) WHERE norm_email(email) IS NOT NULL;
CREATE TEMP TABLE supp_domain AS
SELECT DISTINCT norm_domain(domain) AS domain FROM read_csv(:blocked_domains, all_varchar = true) WHERE norm_domain(domain) IS NOT NULL;
CREATE TEMP TABLE supp_phone AS
SELECT DISTINCT sha256(norm_phone(phone, 'GB')) AS hash FROM read_csv(:ctps, all_varchar = true) WHERE norm_phone(phone, 'GB') IS NOT NULL;

-- prospects: target roles, derived emails, email types, one row per
-- subject, suppressed, exported (Parquet, zstd, partitioned by country)
COPY (
WITH named AS (
    SELECT p.*,
        regexp_replace(lower(strip_accents(translate(coalesce(first_name, ''), 'łŁøØđĐßæÆ', 'lLoOdDsaA'))), '[^a-z]', '', 'g') AS fn,
        regexp_replace(lower(strip_accents(translate(coalesce(last_name, ''),  'łŁøØđĐßæÆ', 'lLoOdDsaA'))), '[^a-z]', '', 'g') AS ln
    FROM people_t p
    JOIN title_map tm USING (job_title)
    WHERE tm.department = 'finance' AND tm.seniority IN ('director', 'c_level')
), derived AS (
    SELECT *,
        CASE WHEN email_raw IS NOT NULL THEN norm_email(email_raw)
             WHEN email_pattern IS NOT NULL AND fn <> '' AND ln <> '' THEN norm_email(
                replace(replace(replace(replace(email_pattern, '{first}', fn), '{last}', ln), '{f}', left(fn, 1)), '{l}', left(ln, 1))
                || '@' || company_domain)
        END AS email_norm,
        email_raw IS NULL AS from_pattern
    FROM named
    WHERE email_raw IS NOT NULL OR (email_pattern IS NOT NULL AND fn <> '' AND ln <> '')
), keyed AS (
    SELECT *,
        coalesce(email_norm, lower(email_raw)) AS email,
        sha256(coalesce(email_norm, lower(email_raw))) AS subject_key,
        coalesce(company_country, person_country) AS country,
        split_part(email_norm, '@', 2) AS email_domain,
        split_part(split_part(email_norm, '@', 1), '+', 1) AS email_local
    FROM derived
), prospects AS (
    SELECT * FROM keyed
    QUALIFY row_number() OVER (
        PARTITION BY subject_key
        ORDER BY from_pattern,
                 (first_name IS NULL)::INT + (last_name IS NULL)::INT + (job_title IS NULL)::INT + (phone IS NULL)::INT + (linkedin_url IS NULL)::INT,
                 first_name, last_name, job_title, phone, linkedin_url) = 1
), deliverable AS (
    SELECT p.* REPLACE (
        CASE WHEN sha256(norm_phone(p.phone, coalesce(p.person_country, p.country))) IN (SELECT hash FROM supp_phone)
             THEN NULL ELSE norm_phone(p.phone, coalesce(p.person_country, p.country)) END AS phone)
    FROM prospects p
    WHERE p.subject_key NOT IN (SELECT hash FROM supp_email)
      AND p.company_domain NOT IN (SELECT domain FROM supp_domain)
      AND p.email_domain NOT IN (SELECT domain FROM supp_domain)
)
-- corporate subscribers with a personal work email: a valid address, not a
-- role mailbox, not webmail or disposable
SELECT subject_key, first_name, last_name, job_title, email, company_name, company_domain, country
FROM deliverable
WHERE country IN ('GB', 'IE')
  AND subscriber = 'corporate'
  AND email_local <> ''
  AND email_local NOT IN (SELECT local FROM role_locals)
  AND email_domain NOT IN (SELECT domain FROM free_domains)
  AND email_domain NOT IN (SELECT domain FROM disposable_domains)
ORDER BY country, subject_key
) TO :out (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (country), FILENAME_PATTERN 'part-{i}');
