{{/* the relation classify reads: a raw table's files (.Raw, an engine.Scan of Options.RawDir: read_raw.sql), or the table, quoted, in its catalog when given */ -}}
{{if .Raw.RawDir}}{{scan .Raw}}{{else}}{{if .Catalog}}{{q .Catalog}}.{{end}}{{q .Table}}{{end}}
