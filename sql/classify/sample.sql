-- sample.sql: a reservoir sample of one table in long form (col, v), every
-- column cast to VARCHAR. UNPIVOT drops NULLs, so v is never NULL.
-- Rel is the relation (relation.sql), SampleSize a positive integer,
-- SystemPercent (a float64, printed by pct) and Stride zero or a number,
-- all set by classify.go; no values are interpolated. On a large table the reservoir
-- draws from a system (vector-level) sample of about PreSampleRows rows: a
-- reservoir over the whole table reads every row of every column, which
-- cost a 10M-row run seconds; vectors are 2048 rows, so the draw still
-- spans ~64 places. A large Parquet scan (Rel.Raw, a raw table's files)
-- is sampled the same way by file_row_number, which lets the reader
-- skip the vectors it does not want instead of decoding them all.
SELECT col, v
FROM (
    UNPIVOT (
        SELECT CAST(COLUMNS(*) AS VARCHAR)
        FROM (SELECT * FROM
            {{- if .Stride}} (SELECT * FROM {{template "classify/relation.sql" .Rel}} WHERE file_row_number % {{.Stride}} < 2048)
            {{- else if .SystemPercent}} (SELECT * FROM {{template "classify/relation.sql" .Rel}} USING SAMPLE {{pct .SystemPercent}}% (system, 42)){{else}} {{template "classify/relation.sql" .Rel}}{{end}}
            USING SAMPLE reservoir({{.SampleSize}} ROWS) REPEATABLE (42))
    )
    ON COLUMNS(*) INTO NAME col VALUE v
)
