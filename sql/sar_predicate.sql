{{- /*
sar/erase: the shared WHERE predicate "this row belongs to the subject",
generated from the catalog's categories for one table:
  .Email   columns of category contact.email     pl_email(col) = $email
  .Key     columns of category pseudonymous.subject_key   col = $key
  .Phone   columns of category contact.phone     E.164 in $phones
  .Profile columns of category online.profile_url normalised URL in $profiles
  .Country a column holding the row's country (default region for phones)
A row found only through a phone or profile URL (the identity graph's
second hop) belongs to the subject only when it carries no other email or
subject_key: a shared switchboard number must not pull in a colleague.
Parameters: $email, $key, and when used $phones, $profiles, $cc.
*/ -}}
{{- define "subject_match" -}}
(FALSE
{{- range .Email}}
    OR pl_email(CAST({{q .}} AS VARCHAR)) = $email
{{- end}}
{{- range .Key}}
    OR CAST({{q .}} AS VARCHAR) = $key
{{- end}}
{{- if or .Phone .Profile}}
    OR ((FALSE
    {{- range .Phone}}
        OR list_contains(CAST($phones AS VARCHAR[]), pl_phone(CAST({{q .}} AS VARCHAR), {{if $.Country}}coalesce(CAST({{q $.Country}} AS VARCHAR), $cc){{else}}$cc{{end}}))
    {{- end}}
    {{- range .Profile}}
        OR list_contains(CAST($profiles AS VARCHAR[]), regexp_replace(lower(trim(CAST({{q .}} AS VARCHAR))), '^(https?://)?(www\.)?|/+$', '', 'g'))
    {{- end}}
    ) AND NOT (FALSE
    {{- range .Email}}
        OR coalesce(pl_email(CAST({{q .}} AS VARCHAR)) <> $email, FALSE)
    {{- end}}
    {{- range .Key}}
        OR coalesce(CAST({{q .}} AS VARCHAR) <> $key, FALSE)
    {{- end}}
    ))
{{- end}}
)
{{- end -}}
