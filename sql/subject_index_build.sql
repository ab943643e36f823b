-- subject index: one key per identifier value of a large table, with its
-- row id (pipeline/rights/index.go). The keys (pl_ikey_*, from
-- normalize.*IndexKey) are a superset of what sar_predicate.sql matches:
-- a SAR reads only the rows whose key is one of the subject's or 0 ("may
-- match anyone"), then applies the exact predicate to them. Values that
-- can match no subject (NULL key) are left out. A phone on a table with
-- name columns is keyed with the row's name (pl_ikey_phone_name), as the
-- predicate only takes a phone-only match under the subject's name; the
-- row's country is passed as '' when missing (the default region is only
-- known at search time).
{{- define "ikey_hash"}}CASE WHEN {{.}} = '' THEN 0::UINTEGER ELSE greatest((hash({{.}}) >> 32)::UINTEGER, 1::UINTEGER) END{{end}}
CREATE OR REPLACE TABLE {{q .Index}} AS
SELECT rid, {{template "ikey_hash" "s"}} AS k FROM (
{{- range $i, $p := .Parts}}
    {{if $i}}UNION ALL {{end}}SELECT rowid AS rid,
    {{- if eq $p.Fn "pl_ikey_phone" "pl_ikey_phone_name"}} {{$p.Fn}}(CAST({{q $p.Column}} AS VARCHAR), {{if $.Country}}coalesce(CAST({{q $.Country}} AS VARCHAR), ''){{else}}''{{end}}
        {{- if eq $p.Fn "pl_ikey_phone_name"}}, concat_ws(' '{{range $.Name}}, CAST({{q .}} AS VARCHAR){{end}}){{end}})
    {{- else if $p.Fn}} {{$p.Fn}}(CAST({{q $p.Column}} AS VARCHAR))
    {{- else}} CAST({{q $p.Column}} AS VARCHAR)
    {{- end}} AS s
    FROM {{q $.Table}} WHERE {{q $p.Column}} IS NOT NULL
{{- end}}
) WHERE s IS NOT NULL;
