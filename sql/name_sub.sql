{{- /*
name_sub: the sub-bucket (_email_sub) of a raw people row without a valid
email, from its first and last names (pl_name_sub: normalize.NameSub, the
sorted letters a-z of both names, hashed; 65535 for a name with a
non-ASCII character), so that the identity hop (a SAR's second pass,
rights/hop.go) reads only the rows that can carry the subject's names.
Used by stage_table.sql (the rows) and name_subs.sql (the subject's
names), so the two can never disagree. Data: (args FIRST LAST), each an
expression written in a template.
*/ -}}
{{- define "name_sub" -}}
CAST(pl_name_sub(coalesce({{index . 0}}, ''), coalesce({{index . 1}}, '')) AS INTEGER)
{{- end -}}
