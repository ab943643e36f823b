-- export: lineage for a streaming sink (a database table): every subject
-- the export's SELECT yields, recorded before the stream is written.
-- $run_id, $export, $campaign, $recipient, $dir, $now
INSERT INTO lineage
SELECT $run_id, $export, $campaign, $recipient, $dir, $dir, subject_key, CAST($now AS TIMESTAMP)
FROM (
{{template "export_select" .}}
);
