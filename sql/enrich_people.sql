-- enrich: every people source, its company domain normalised (or taken
-- from the email when missing), joined to the target companies by domain.
-- Emails and phones are normalised later, only for people in target roles.
CREATE OR REPLACE TEMP TABLE people_n AS
WITH src AS (
{{- range $i, $s := .Sources}}
    {{if $i}}UNION ALL BY NAME {{end}}SELECT {{$i}} AS _src_order, *{{range $s.Missing}}, NULL::VARCHAR AS {{q .}}{{end}} FROM {{q $s.Table}}
{{- end}}
), domains AS (
    -- normalise each distinct domain once, not once per person
    SELECT raw, pl_domain(raw) AS domain FROM (
        SELECT DISTINCT coalesce(nullif(trim(company_domain), ''), split_part(trim(email), '@', 2)) AS raw FROM src
    ) WHERE raw IS NOT NULL AND raw <> ''
), norm AS (
    SELECT
        nullif(trim(first_name), '')    AS first_name,
        nullif(trim(last_name), '')     AS last_name,
        nullif(trim(email), '')         AS email_raw,
        nullif(trim(job_title), '')     AS job_title,
        d.domain                        AS company_domain,
        nullif(trim(phone), '')         AS phone_raw,
        nullif(trim(linkedin_url), '')  AS linkedin_url,
        nullif(upper(trim(country)), '') AS person_country,
{{- range .Extras}}
        {{q .}},
{{- end}}
        _source, _src_order
    FROM src LEFT JOIN domains d
      ON d.raw = coalesce(nullif(trim(src.company_domain), ''), split_part(trim(src.email), '@', 2))
)
SELECT n.*, c.name AS company_name, c.industry, c.employees, c.country AS company_country,
       c.email_pattern, c.company_type
FROM norm n JOIN target_companies c ON c.domain = n.company_domain;
