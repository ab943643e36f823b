{{- /*
The work email derived from a company's email_pattern, for a person whose
source gives none: shared by enrich_prospects.sql (which derives it) and
stage_table.sql (which refuses, before anything is kept, a row whose
derived email is an erased subject's), so the two can never disagree.
  name_letters: a name cut to the letters a-z (accents stripped): the
      pattern's {first} and {last}; "" when none is left. Data: the
      column expression.
  email_from_pattern: the pattern with {first}, {last}, {f}, {l} filled
      in, @ the company's domain, normalised (pl_email; NULL when not an
      address). Data: (args PATTERN FIRST LAST DOMAIN), each an expression.
Both are only called from templates, with expressions written there
(column names, parameters, or printf of q's quoted identifiers): no Go
code hands them SQL text.
*/ -}}
{{- define "name_letters" -}}
regexp_replace(lower(strip_accents(translate(coalesce({{.}}, ''), 'łŁøØđĐßæÆ', 'lLoOdDsaA'))), '[^a-z]', '', 'g')
{{- end -}}
{{- define "email_from_pattern" -}}
pl_email(replace(replace(replace(replace({{index . 0}}, '{first}', {{index . 1}}), '{last}', {{index . 2}}), '{f}', left({{index . 1}}, 1)), '{l}', left({{index . 2}}, 1)) || '@' || {{index . 3}})
{{- end -}}
