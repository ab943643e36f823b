-- the company-type rules (company_type_rules.csv), read by enrich_subscribers.sql
CREATE OR REPLACE TEMP TABLE company_type_rules ("column" VARCHAR, pattern VARCHAR, subscriber VARCHAR, form VARCHAR, priority INTEGER)
