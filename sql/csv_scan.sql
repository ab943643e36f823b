{{/* the FROM fragment of a CSV source's scan (engine.CSVScan): every column VARCHAR; malformed rows stored as rejects (RejectsTable, RejectsScan) or skipped (probes, suppression lists) */ -}}
{{- define "csv_rejects"}}{{if .RejectsTable}}, store_rejects = true, rejects_table = {{literal .RejectsTable}}, rejects_scan = {{literal .RejectsScan}}{{else}}, ignore_errors = true{{end}}{{end -}}
read_csv($path, all_varchar = true, filename = false{{template "csv_args.sql" .Args}}{{template "csv_rejects" .}})
