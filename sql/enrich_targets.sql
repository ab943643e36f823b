-- enrich: the target companies (targeting.companies, a validated pure
-- expression over companies_n's columns). The one place a user's text is
-- spliced into SQL: .Predicate is a predicate.Expr, which only
-- predicate.Allowed makes, after checking it against the allow-list on
-- the connection that runs this (flow/targets.go).
CREATE OR REPLACE TEMP TABLE target_companies AS
SELECT * FROM companies_n WHERE ({{.Predicate.SQL}});
