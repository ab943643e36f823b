-- enrich: every people source, its company domain normalised (or taken
-- from the email when missing), joined to the target companies by domain.
-- Each distinct raw domain is normalised once. people_n is narrow: which
-- raw row (source, rowid), its company domain and its job title; the
-- other columns are read only for people in target roles
-- (enrich_prospects.sql), a few percent of them. Materialising every
-- column of the people at target companies was most of this step
-- (3M rows at 10M people), and reading the raw tables twice the rest.
-- The raw domain is the company domain, or the email's domain when the
-- company domain is missing or blank. It is not trimmed: pl_domain trims
-- (more than trim() does), so "acme.com " and "acme.com" normalise alike;
-- only a value starting with a space or a non-ASCII character (which may
-- be a Unicode space) goes through trim() to tell a blank one. DuckDB's
-- trim() tests every end character's Unicode category: two trims on
-- every row were ~0.2 CPU-s of a 1M-people run. TestPeopleDomainsUntrimmed
-- holds the result to the trimmed form's.
CREATE OR REPLACE TEMP TABLE people_n AS
WITH keys AS (
{{- range $i, $s := .Sources}}
    {{if $i}}UNION ALL {{end}}SELECT {{$i}} AS _src_order, _src_rowid,
        CASE WHEN company_domain IS NULL OR company_domain = '' THEN split_part(email, '@', 2)
             WHEN ascii(company_domain) = 32 OR ascii(company_domain) > 127
                 THEN coalesce(nullif(trim(company_domain), ''), split_part(email, '@', 2))
             ELSE company_domain END AS _dom_raw,
        nullif(trim(job_title), '') AS job_title
    FROM (SELECT {{template "source_rowid.sql" $s}} AS _src_rowid, *{{range $s.Missing}}, NULL::VARCHAR AS {{q .}}{{end}} FROM {{template "source_from.sql" $s}})
{{- end}}
), domains AS (
    SELECT raw, domain FROM (
        SELECT raw, pl_domain(raw) AS domain FROM (SELECT DISTINCT _dom_raw AS raw FROM keys WHERE _dom_raw <> '')
    ) WHERE domain IN (SELECT domain FROM target_companies)
)
SELECT k._src_order, k._src_rowid, d.domain AS company_domain, k.job_title
FROM keys k JOIN domains d ON d.raw = k._dom_raw;
