-- dry run: how many rows one export would write (export_select.sql),
-- counted inside the run's transaction, written nowhere. $campaign
SELECT count(*) FROM (
{{template "export_select" .}}
);
