{{/* what a statement reads, its FROM (an engine.Scan, rendered by the scan function, which checks that exactly one kind is set) */ -}}
{{- if .CSV}}{{template "csv_scan.sql" .CSV}}
{{- else if .File}}{{template "csv_file_scan.sql" .File}}
{{- else if .Parquet}}read_parquet($path)
{{- else if .Table}}{{q .Table}}
{{- else if .Shard}}{{template "shard_scan.sql" .Shard}}
{{- else if .RawDir}}{{template "read_raw.sql" .RawDir}}
{{- else if .RawFiles}}{{template "read_raw_files.sql" .RawFiles}}
{{- end}}
