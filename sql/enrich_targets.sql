-- enrich: the target companies (targeting.companies, a validated pure
-- expression over companies_n's columns).
CREATE OR REPLACE TEMP TABLE target_companies AS
SELECT * FROM companies_n WHERE ({{.Predicate}});
