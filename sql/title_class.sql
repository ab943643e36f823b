{{- /*
title_class: the department or seniority of one job title by the rule
table sql/title_rules.csv (temp table title_rules): the lowest-priority
matching rule wins, else the default ('other' for department, 'staff'
for seniority; also for no title). The one statement of the rule: every
title of a run (enrich_titles.sql) and a corrected title
(enrich_rectify.sql, rectify_title.sql). Data: (args FIELD TITLE
DEFAULT), each our own SQL expression (FIELD and DEFAULT string literals, TITLE a column or parameter).
*/ -}}
{{- define "title_class" -}}
coalesce((SELECT arg_min(tr.value, tr.priority) FROM title_rules tr
          WHERE tr.field = {{index . 0}}
            AND regexp_matches(' ' || regexp_replace(lower({{index . 1}}), '[^a-z0-9&]+', ' ', 'g') || ' ', tr.pattern)), {{index . 2}})
{{- end -}}
