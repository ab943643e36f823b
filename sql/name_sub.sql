{{- /*
name_sub: the sub-bucket (_email_sub) of a raw people row without a valid
email, from its first and last names, so that the identity hop (a SAR's
second pass, rights/hop.go) reads only the rows that can carry the
subject's names: the letters a-z of the two names (name_letters, accents
stripped) in sorted order, hashed (md5_number, stable across DuckDB
versions) into 0..65534. Every row the hop can match has the subject's
letters: its name key (the sorted words of its names, lower-cased) has
them when lower-casing first changes no letter name_letters keeps, and
the derived email's names have them by definition; a row where
lower-casing does change them (a capital ẞ, which name_letters drops but
reads as "s" once lower-cased) gets 65535, which the hop always reads.
Used by stage_table.sql (the rows) and name_subs.sql (the subject's
names), so the two can never disagree. Data: (args FIRST LAST), each an
expression written in a template.
*/ -}}
{{- define "name_sub" -}}
{{- $both := printf "(coalesce(%s, '') || coalesce(%s, ''))" (index . 0) (index . 1) -}}
CASE WHEN {{template "name_letters" $both}} <> {{template "name_letters" (printf "lower%s" $both)}} THEN 65535
     ELSE CAST(md5_number(array_to_string(list_sort(string_split({{template "name_letters" $both}}, '')), '')) % 65535 AS INTEGER) END
{{- end -}}
