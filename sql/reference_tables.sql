-- the run's small lookup tables (loadReference): job-title rules, target roles, campaign regions
CREATE OR REPLACE TEMP TABLE title_rules (field VARCHAR, value VARCHAR, priority INTEGER, pattern VARCHAR);
CREATE OR REPLACE TEMP TABLE target_roles (department VARCHAR, seniority VARCHAR);
CREATE OR REPLACE TEMP TABLE campaign_regions (campaign VARCHAR, region VARCHAR);
