-- export: how many leading hex characters of subject_key must name a
-- file's bucket so that no file of the export holds more than $rows rows
-- (files are per partition and bucket; docs/exports-files.md). NULL when
-- even .MaxDigits characters are not enough.
-- $campaign, $rows
WITH r AS (
{{template "export_select" .}}
), g AS (
    SELECT {{range .PartitionBy}}{{q .}}, {{end}}left(subject_key, {{.MaxDigits}}) AS b, count(*) AS n
    FROM r
    GROUP BY ALL
)
SELECT min(d) FROM (
{{- range $i, $d := .Digits}}
    {{if $i}}UNION ALL {{end}}SELECT {{$d}} AS d, coalesce(max(s), 0) AS m
    FROM (SELECT sum(n) AS s FROM g GROUP BY {{range $.PartitionBy}}{{q .}}, {{end}}left(b, {{$d}}))
{{- end}}
) WHERE m <= $rows;
