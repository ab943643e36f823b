-- rectify: the job-title rules (sql/title_rules.csv) as the run loads them
-- (flow/reference.go), on the rights command's connection.
CREATE OR REPLACE TEMP TABLE title_rules (field VARCHAR, value VARCHAR, priority INTEGER, pattern VARCHAR);
