-- stage: the lines the CSV screen rejected (a control character other
-- than tab) into the rejects table, one row per line. A suppression list's raw lines are
-- never stored (.NoRaw).
-- $run_id, $source, $file, $lines, $types, $raws, $now
INSERT INTO rejects
SELECT CAST($run_id AS VARCHAR), CAST($source AS VARCHAR), CAST($file AS VARCHAR), u.line, CAST(NULL AS VARCHAR),
       u.error_type, u.error_type, {{if .NoRaw}}CAST(NULL AS VARCHAR){{else}}u.raw_line{{end}}, CAST($now AS TIMESTAMP)
FROM (
    SELECT unnest(CAST($lines AS BIGINT[])) AS line, unnest(CAST($types AS VARCHAR[])) AS error_type,
           unnest(CAST($raws AS VARCHAR[])) AS raw_line
) u;
