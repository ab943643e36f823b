{{- /*
sar/erase: the shared WHERE predicate "this row belongs to the subject",
generated from the catalog's categories for one table:
  .Email   columns of category contact.email     pl_email(col) = $email
  .Key     columns of category pseudonymous.subject_key   col = $key
  .Explicit the phones and profile URLs given with the request (--phone,
           --linkedin): exact match on the normalised value ($phones,
           $profiles), never a seed for a further hop
  .Hop     the phones and profile URLs found on the subject's own rows (the
           identity graph's one hop: $hop_phones, $hop_profiles); rendered
           only when the subject's own rows carry a name ($names) and the
           table has name columns: the row must carry one of those names
           (see rights.NameKey), so a shared switchboard number never
           pulls in a colleague, and no name means no hop
  .Derived a raw people table's row without an email whose derived work
           email (derive_email.sql) is the subject's: at the subject's email
           domain ($derived_domain), under the names of the subject's
           prospects row whose email was derived ($derived_first,
           $derived_last): the row their email came from
Either way a row found through a phone or profile URL belongs to the
subject only when it carries no other email or subject_key.
Cheap filters come first (in CASE WHEN, which DuckDB never reorders) so
the pl_* functions run on a handful of rows,
not on every row (they are exact supersets, so nothing is missed):
  an email column can only normalise to $email if its lower-cased text
  contains the (ASCII) local part, that is if it contains the local part
  in any letter case ($email_local_re, an RE2 pattern (?i)<local part>,
  which costs less than lower() on every row) — rows with any non-ASCII
  character (byte length <> character length) always go to pl_email, and
  a derived email's company domain likewise ($derived_domain_re); a
  phone column can only normalise to one of the phones if the last six digits
  of one of them appear in it in order — rows with non-ASCII characters or
  letters (vanity numbers) always go to pl_phone: one RE2 pattern says both
  ($..phone_re, rights.phonePrefilter: +442079460228 gives
  (?s)4.*6.*0.*2.*2.*8|[^\x00-\x40\x5B-\x60\x7B-\x7F]); a profile URL only matches if it contains the last path segment
  of one of the profiles (a $..profile_needle_N).
.Keyed    a table whose every matching row carries the subject's key
         (rights/keyed.go): the key equality comes first, so DuckDB
         reads only the row groups whose min/max hold the key.
.HopOnly (the search's second pass) leaves out the email, key and explicit
branches and keeps only rows reached through the hop that are not also
direct matches: the first pass already has those, so the big tables are
not searched for the email twice. That test is the THEN of a CASE: as a
conjunct DuckDB hoisted it into the Parquet scan, where it ran pl_email
on every row of the file.
Parameters: $email, $email_local_re, $key, $cc, and when used $phones,
$profiles, $hop_phones, $hop_profiles, $names and the prefilter patterns.
*/ -}}
{{- define "name_key" -}}
{{- /* a text's name key: lower-cased, split at white space and commas,
       the words sorted and joined by one space (rights.readNameKeys gives
       the subject's the same way). Data: the text's expression. */ -}}
array_to_string(list_sort(list_filter(regexp_split_to_array(lower(trim({{.}})), '[\s,]+'), lambda w: w <> '')), ' ')
{{- end -}}
{{- define "identifier_match" -}}
CASE WHEN (FALSE
    {{- range $c := .Phone}}
        OR CASE WHEN regexp_matches(CAST({{q $c}} AS VARCHAR), ${{param $.PhoneRE}})
                THEN coalesce(list_contains(CAST(${{param $.Phones}} AS VARCHAR[]), pl_phone(CAST({{q .}} AS VARCHAR), {{if $.Country}}coalesce(CAST({{q $.Country}} AS VARCHAR), $cc){{else}}$cc{{end}})), FALSE) ELSE FALSE END
    {{- end}}
    {{- range $c := .Profile}}
        OR CASE WHEN ({{range $i, $p := $.ProfileNeedles}}{{if $i}} OR {{end}}strpos(lower(CAST({{q $c}} AS VARCHAR)), ${{param $p}}) > 0{{end}})
                     OR strlen(CAST({{q .}} AS VARCHAR)) <> length(CAST({{q .}} AS VARCHAR))
                THEN list_contains(CAST(${{param $.Profiles}} AS VARCHAR[]), regexp_replace(lower(trim(CAST({{q .}} AS VARCHAR))), '^(https?://)?(www\.)?|/+$', '', 'g')) ELSE FALSE END
    {{- end}}
    ) THEN (TRUE
    {{- if .Name}}
        AND coalesce(list_contains(CAST($names AS VARCHAR[]),
            {{template "name_key" (printf "concat_ws(' ', %s)" (qlist .Name))}}), FALSE)
    {{- end}}
        AND NOT (FALSE
        {{- range .Email}}
            OR coalesce(pl_email(CAST({{q .}} AS VARCHAR)) <> $email, FALSE)
        {{- end}}
        {{- range .Key}}
            OR coalesce(CAST({{q .}} AS VARCHAR) <> $key, FALSE)
        {{- end}}
        )
        ) ELSE FALSE END
{{- end -}}
{{- define "subject_match" -}}
{{- if .Keyed}}CAST({{q .Keyed}} AS VARCHAR) = $key AND {{end -}}
(FALSE
{{- if not .HopOnly}}
{{- range .Email}}
    OR CASE WHEN regexp_matches(CAST({{q .}} AS VARCHAR), $email_local_re) OR strlen(CAST({{q .}} AS VARCHAR)) <> length(CAST({{q .}} AS VARCHAR))
            THEN coalesce(pl_email(CAST({{q .}} AS VARCHAR)) = $email, FALSE) ELSE FALSE END
{{- end}}
{{- range .Key}}
    OR CAST({{q .}} AS VARCHAR) = $key
{{- end}}
{{- if .Explicit.Active}}
    OR {{template "identifier_match" .Explicit}}
{{- end}}
{{- end}}
{{- if .Derived}}
    OR (nullif(trim(CAST({{q .Derived.Email}} AS VARCHAR)), '') IS NULL
        AND CASE WHEN regexp_matches(CAST({{q .Derived.Domain}} AS VARCHAR), $derived_domain_re)
                   OR strlen(CAST({{q .Derived.Domain}} AS VARCHAR)) <> length(CAST({{q .Derived.Domain}} AS VARCHAR))
                 THEN coalesce(pl_domain(CAST({{q .Derived.Domain}} AS VARCHAR)) = $derived_domain, FALSE) ELSE FALSE END
        AND {{template "name_letters" (printf "CAST(%s AS VARCHAR)" (q .Derived.First))}} = {{template "name_letters" "CAST($derived_first AS VARCHAR)"}}
        AND {{template "name_letters" (printf "CAST(%s AS VARCHAR)" (q .Derived.Last))}} = {{template "name_letters" "CAST($derived_last AS VARCHAR)"}})
{{- end}}
{{- if and .Hop.Active .HopOnly}}
    OR CASE WHEN {{template "identifier_match" .Hop}}
            THEN NOT (FALSE
        {{- range .Email}}
            OR coalesce(pl_email(CAST({{q .}} AS VARCHAR)) = $email, FALSE)
        {{- end}}
        {{- range .Key}}
            OR coalesce(CAST({{q .}} AS VARCHAR) = $key, FALSE)
        {{- end}}
            ) ELSE FALSE END
{{- else if .Hop.Active}}
    OR {{template "identifier_match" .Hop}}
{{- end}}
)
{{- end -}}
