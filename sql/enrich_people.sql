-- enrich: every people source, its company domain normalised (or taken
-- from the email when missing), joined to the target companies by domain.
-- Each distinct raw domain is normalised once; only people at target
-- companies are carried further. Emails and phones are normalised later,
-- only for people in target roles.
CREATE OR REPLACE TEMP TABLE people_n AS
WITH src AS NOT MATERIALIZED ( -- read twice, never copied: the domain list needs two columns of it
    SELECT *, coalesce(nullif(trim(company_domain), ''), split_part(trim(email), '@', 2)) AS _dom_raw
    FROM (
{{- range $i, $s := .Sources}}
        {{if $i}}UNION ALL BY NAME {{end}}SELECT {{$i}} AS _src_order, *{{range $s.Missing}}, NULL::VARCHAR AS {{q .}}{{end}} FROM {{q $s.Table}}
{{- end}}
    )
), domains AS (
    SELECT raw, domain FROM (
        SELECT raw, pl_domain(raw) AS domain FROM (SELECT DISTINCT _dom_raw AS raw FROM src WHERE _dom_raw <> '')
    ) WHERE domain IN (SELECT domain FROM target_companies)
)
SELECT
    nullif(trim(s.first_name), '')     AS first_name,
    nullif(trim(s.last_name), '')      AS last_name,
    nullif(trim(s.email), '')          AS email_raw,
    nullif(trim(s.job_title), '')      AS job_title,
    d.domain                           AS company_domain,
    nullif(trim(s.phone), '')          AS phone_raw,
    nullif(trim(s.linkedin_url), '')   AS linkedin_url,
    nullif(upper(trim(s.country)), '') AS person_country,
{{- range .Extras}}
    s.{{q .}},
{{- end}}
    s._source, s._src_order,
    c.name AS company_name, c.industry, c.employees, c.country AS company_country,
    c.email_pattern, c.company_type
FROM src s
JOIN domains d ON d.raw = s._dom_raw
JOIN target_companies c ON c.domain = d.domain;
