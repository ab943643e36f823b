-- stage: drop DuckDB's rejects tables of one scan once stage_rejects.sql
-- has moved them (TEMP tables of the connection: a later scan with the
-- same names on a reused connection would otherwise add to them).
DROP TABLE IF EXISTS {{q .Errors}};
DROP TABLE IF EXISTS {{q .Scans}};
