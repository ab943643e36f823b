-- stage: every company domain's email patterns, from every companies
-- source this run staged (.Sources: their staged views), for the erasure
-- screen of stage_table.sql: a person without an email whose derived
-- work email (derive_email.sql) is an erased subject's is refused at
-- stage. Normalised as enrich_companies.sql does. Company data only.
CREATE OR REPLACE TEMP TABLE stage_patterns AS
SELECT domain AS __pl_pattern_domain, list(DISTINCT email_pattern ORDER BY email_pattern) AS __pl_patterns
FROM (
{{- range $i, $s := .Sources}}
    {{if $i}}UNION ALL {{end}}SELECT pl_domain(CAST(domain AS VARCHAR)) AS domain,
        nullif(lower(trim(CAST(email_pattern AS VARCHAR))), '') AS email_pattern
    FROM {{q $s}}
{{- end}}
)
WHERE domain IS NOT NULL AND email_pattern IS NOT NULL
GROUP BY domain;
