-- enrich: every companies source, normalised, one row per domain.
-- Sources earlier in pipeline.yaml win; then the most complete row.
-- Only the domains that occur more than once are ranked: most of a
-- company list's domains are unique, and a window over all of them (a
-- sort on seven keys) would be most of this step.
CREATE OR REPLACE TEMP TABLE companies_n AS
WITH src AS (
{{- range $i, $s := .Sources}}
    {{if $i}}UNION ALL BY NAME {{end}}SELECT {{$i}} AS _src_order, *{{range $s.Missing}}, NULL::VARCHAR AS {{q .}}{{end}} FROM {{q $s.Table}}
{{- end}}
), norm AS MATERIALIZED (
    SELECT
        pl_domain(domain)                                             AS domain,
        nullif(trim(name), '')                                        AS name,
        nullif(trim(industry), '')                                    AS industry,
        TRY_CAST(replace(replace(trim(employees), ',', ''), '_', '') AS BIGINT) AS employees,
        nullif(upper(trim(country)), '')                              AS country,
        nullif(lower(trim(email_pattern)), '')                        AS email_pattern,
        nullif(regexp_replace(lower(trim(company_type)), '[^a-z]+', '_', 'g'), '') AS company_type,
        _source, _src_order
    FROM src
), dups AS (
    SELECT domain FROM norm WHERE domain IS NOT NULL GROUP BY domain HAVING count(*) > 1
)
SELECT * EXCLUDE (_src_order) FROM norm
WHERE domain IS NOT NULL AND domain NOT IN (SELECT domain FROM dups)
UNION ALL
SELECT * EXCLUDE (_src_order, _rank) FROM (
    SELECT *, row_number() OVER (
        PARTITION BY domain
        ORDER BY _src_order,
                 (name IS NULL)::INT + (employees IS NULL)::INT + (country IS NULL)::INT + (email_pattern IS NULL)::INT,
                 name, employees, country, email_pattern, company_type
    ) AS _rank
    FROM norm WHERE domain IN (SELECT domain FROM dups)
) WHERE _rank = 1;
