-- enrich: the run report's "subscriber type unknown" line: per company_type
-- value (company data, not personal) of the target companies no rule of
-- sql/company_type_rules.csv decided, how many companies and prospects.
WITH u AS (
    SELECT domain, company_type FROM company_subscribers WHERE company_subscriber = 'unknown'
), p AS (
    SELECT company_domain, count(*) AS n FROM pl_scratch.prospects_work
    WHERE subscriber_type = 'unknown' GROUP BY ALL
)
SELECT coalesce(u.company_type, '(missing)') AS value,
       count(*) AS companies,
       coalesce(sum(p.n), 0)::BIGINT AS prospects
FROM u LEFT JOIN p ON p.company_domain = u.domain
GROUP BY ALL
ORDER BY companies DESC, value;
