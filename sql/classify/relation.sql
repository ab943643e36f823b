{{/* the relation classify reads: a raw table's read_parquet call (rendered by read_raw.sql, passed by the run as Options.Parquet), or the table, quoted, in its catalog when given */ -}}
{{if .Parquet}}{{.Parquet}}{{else}}{{if .Catalog}}{{q .Catalog}}.{{end}}{{q .Table}}{{end}}
