-- sample.sql: a reservoir sample of one table in long form (col, v), every
-- column cast to VARCHAR. UNPIVOT drops NULLs, so v is never NULL.
-- The Table placeholder is a quoted identifier, SampleSize a positive integer,
-- SystemPercent and Stride empty or a number, all rendered by
-- classify.go; no values are interpolated. On a large table the reservoir
-- draws from a system (vector-level) sample of about PreSampleRows rows: a
-- reservoir over the whole table reads every row of every column, which
-- cost a 10M-row run seconds; vectors are 2048 rows, so the draw still
-- spans ~64 places. A large Parquet scan (Table is then a read_parquet
-- call) is sampled the same way by file_row_number, which lets the reader
-- skip the vectors it does not want instead of decoding them all.
SELECT col, v
FROM (
    UNPIVOT (
        SELECT CAST(COLUMNS(*) AS VARCHAR)
        FROM (SELECT * FROM
            {{- if .Stride}} (SELECT * FROM {{.Table}} WHERE file_row_number % {{.Stride}} < 2048)
            {{- else if .SystemPercent}} (SELECT * FROM {{.Table}} USING SAMPLE {{.SystemPercent}}% (system, 42)){{else}} {{.Table}}{{end}}
            USING SAMPLE reservoir({{.SampleSize}} ROWS) REPEATABLE (42))
    )
    ON COLUMNS(*) INTO NAME col VALUE v
)
