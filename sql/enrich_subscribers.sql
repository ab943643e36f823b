-- enrich: the PECR subscriber type of each target company, from the rule
-- table sql/company_type_rules.csv (lowest priority wins): company_type
-- when the source gives one, else the legal suffix of the company's name.
-- A company no rule decides is 'unknown' (never emailed under legitimate
-- interests). subscriber_basis says which column and rule decided.
CREATE OR REPLACE TEMP TABLE company_subscribers AS
WITH c AS (
    SELECT domain, company_type,
        ' ' || trim(regexp_replace(lower(coalesce(company_type, '')), '[^a-z0-9&]+', ' ', 'g')) || ' ' AS type_n,
        ' ' || trim(regexp_replace(lower(coalesce(name, '')), '[^a-z0-9&]+', ' ', 'g')) || ' ' AS name_n
    FROM target_companies
), types AS (
    -- company_type: decided once per distinct value
    SELECT t.type_n,
        first(r.subscriber ORDER BY r.priority, r.form) AS subscriber,
        first(r.form ORDER BY r.priority, r.form) AS form
    FROM (SELECT DISTINCT type_n FROM c WHERE company_type IS NOT NULL) t
    JOIN company_type_rules r ON r."column" = 'company_type' AND regexp_matches(t.type_n, r.pattern)
    GROUP BY t.type_n
), names AS (
    -- the name's legal suffix, only for companies without a company_type
    SELECT n.name_n,
        first(r.subscriber ORDER BY r.priority, r.form) AS subscriber,
        first(r.form ORDER BY r.priority, r.form) AS form
    FROM (SELECT DISTINCT name_n FROM c WHERE company_type IS NULL) n
    JOIN company_type_rules r ON r."column" = 'name' AND regexp_matches(n.name_n, r.pattern)
    GROUP BY n.name_n
)
SELECT c.domain, c.company_type,
    CASE WHEN c.company_type IS NOT NULL THEN coalesce(t.subscriber, 'unknown')
         ELSE coalesce(n.subscriber, 'unknown') END AS company_subscriber,
    CASE WHEN c.company_type IS NOT NULL AND t.form IS NOT NULL THEN 'company_type:' || t.form
         WHEN c.company_type IS NOT NULL THEN 'company_type:unrecognised'
         WHEN n.form IS NOT NULL THEN 'name_suffix:' || n.form
         ELSE 'no_company_type_or_legal_suffix' END AS subscriber_basis
FROM c
LEFT JOIN types t ON c.company_type IS NOT NULL AND t.type_n = c.type_n
LEFT JOIN names n ON c.company_type IS NULL AND n.name_n = c.name_n;
