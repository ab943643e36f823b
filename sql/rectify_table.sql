-- rectify: apply the corrections to the subject's row of a warehouse table
-- (prospects, deliverable) now, as the next run will. .Sets: the columns
-- (and their parameter names) this table has.
-- $key, and one parameter per column
UPDATE {{q .Table}} SET
{{- range $i, $s := .Sets}}
    {{if $i}}, {{end}}{{q $s.Column}} = nullif(CAST(${{param $s.Param}} AS VARCHAR), '')
{{- end}}
WHERE subject_key = $key;
