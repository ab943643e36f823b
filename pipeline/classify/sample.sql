-- sample.sql: a reservoir sample of one table in long form (col, v), every
-- column cast to VARCHAR. UNPIVOT drops NULLs, so v is never NULL.
-- The Table placeholder is a quoted identifier, SampleSize a positive integer,
-- SystemPercent empty or a number, all rendered by classify.go; no values
-- are interpolated. On a large table the reservoir draws from a system
-- (vector-level) sample of about PreSampleRows rows: a reservoir over the
-- whole table reads every row of every column, which cost a 10M-row run
-- seconds; vectors are 2048 rows, so the draw still spans ~64 places.
SELECT col, v
FROM (
    UNPIVOT (
        SELECT CAST(COLUMNS(*) AS VARCHAR)
        FROM (SELECT * FROM
            {{- if .SystemPercent}} (SELECT * FROM {{.Table}} USING SAMPLE {{.SystemPercent}}% (system, 42)){{else}} {{.Table}}{{end}}
            USING SAMPLE reservoir({{.SampleSize}} ROWS) REPEATABLE (42))
    )
    ON COLUMNS(*) INTO NAME col VALUE v
)
