-- sample.sql: a reservoir sample of one table in long form (col, v), every
-- column cast to VARCHAR. UNPIVOT drops NULLs, so v is never NULL.
-- The Table placeholder is a quoted identifier, SampleSize a positive integer,
-- both rendered by classify.go; no values are interpolated.
SELECT col, v
FROM (
    UNPIVOT (
        SELECT CAST(COLUMNS(*) AS VARCHAR)
        FROM (SELECT * FROM {{.Table}} USING SAMPLE reservoir({{.SampleSize}} ROWS) REPEATABLE (42))
    )
    ON COLUMNS(*) INTO NAME col VALUE v
)
