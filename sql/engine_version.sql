-- The DuckDB library's version, for pipeline version.
SELECT version()
