{{- /*
seen_now: the subjects a run saw, one row per (subject_key, source), as a
query that seen_write.sql and seen_expired_counts.sql read inline (the
subjects are never held in a table of their own: at 10M people such a
table took a gigabyte of memory and was pushed out to disk). Data:
warehouse.SeenNow. For each people source the run staged (.Sources, its
name bound as $<.Param>): with .Email, the subject_keys of its rows with
a valid email, as the stage hashed them while it bucketed them
(pl_staged_subjects, engine.CollectSubjects: not normalised and hashed a
second time here); with .Prospects (the run rebuilt prospects), the
subject_keys prospects derived for the source's people from their
company's email pattern. Subjects are keyed as enrichment keys them
(SHA-256 of the normalised email). No source (a purge): no row.
*/ -}}
{{- define "seen_now" -}}
{{- if .Sources -}}
SELECT DISTINCT subject_key, source FROM (
{{- range $i, $s := .Sources}}
    {{if $i}}UNION ALL {{end}}SELECT subject_key, CAST(${{param $s.Param}} AS VARCHAR) AS source FROM (
    {{- if $s.Email}}
        SELECT subject_key FROM pl_staged_subjects(CAST(${{param $s.Param}} AS VARCHAR))
    {{- end}}
    {{- if and $s.Email $.Prospects}}
        UNION ALL
    {{- end}}
    {{- if $.Prospects}}
        SELECT subject_key FROM prospects WHERE list_contains(CAST(_sources AS VARCHAR[]), CAST(${{param $s.Param}} AS VARCHAR))
    {{- end}}
    ) WHERE subject_key IS NOT NULL
{{- end}}
)
{{- else -}}
SELECT CAST(NULL AS VARCHAR) AS subject_key, CAST(NULL AS VARCHAR) AS source WHERE false
{{- end -}}
{{- end -}}
