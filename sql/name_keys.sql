-- sar: the name keys (sar_predicate.sql's name_key, the very expression
-- the hop compares a row's names with) of $texts, the names on the
-- subject's own rows (each row's name columns joined by a space); none
-- for a text without a word.
SELECT DISTINCT k FROM (
    SELECT {{template "name_key" "t"}} AS k FROM unnest(CAST($texts AS VARCHAR[])) u(t)
) WHERE k <> '' ORDER BY k;
