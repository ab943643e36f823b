-- sar: the sub-bucket (name_sub.sql) of each name the identity hop can
-- reach a row without an email by: each of $names (a name key, its words
-- lower-cased; as one name), and the letters of the derived email's
-- names ($derived_first, $derived_last; none when $derived_first is '').
SELECT DISTINCT CAST(s AS BIGINT) AS s FROM (
    SELECT {{template "name_sub" (args "n" "NULL")}} AS s FROM unnest(CAST($names AS VARCHAR[])) t(n)
    UNION ALL
    SELECT {{template "name_sub" (args "dl.f" "dl.l")}}
    FROM (SELECT {{template "name_letters" "CAST($derived_first AS VARCHAR)"}} AS f, {{template "name_letters" "CAST($derived_last AS VARCHAR)"}} AS l) dl
    WHERE CAST($derived_first AS VARCHAR) <> ''
) ORDER BY s;
