{{- define "export_select" -}}
    SELECT {{qlist .Columns}}
    FROM deliverable d
    WHERE d.country IN (SELECT region FROM campaign_regions WHERE campaign = $campaign)
      AND d.subscriber_type = 'corporate'
      AND d.email_type = 'personal'
    ORDER BY {{range .PartitionBy}}{{q .}}, {{end}}d.subject_key
{{- end -}}
-- export: one export's rows (see export_copy.sql); streaming sinks receive
-- this SELECT as Arrow batches.
{{template "export_select" .}};
