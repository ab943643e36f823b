{{- define "export_select" -}}
    SELECT {{qlist .Columns}}
    FROM deliverable d
    WHERE d.country IN (SELECT region FROM campaign_regions WHERE campaign = $campaign)
      -- consent campaigns: only subjects with a recorded, unwithdrawn
      -- consent (export_consent.sql), individual subscribers and webmail
      -- included; otherwise (legitimate interests, PECR) corporate
      -- subscribers with a personal work email only
      AND CASE WHEN $campaign IN (SELECT campaign FROM campaign_channels)
               THEN d.subject_key IN (SELECT subject_key FROM campaign_consent WHERE campaign = $campaign)
                    AND d.email_type IN ('personal', 'free_webmail')
               ELSE d.subscriber_type = 'corporate' AND d.email_type = 'personal' END
    ORDER BY {{range .PartitionBy}}{{q .}}, {{end}}d.subject_key
{{- end -}}
-- export: one export's rows (see export_copy.sql); streaming sinks receive
-- this SELECT as Arrow batches.
{{template "export_select" .}};
