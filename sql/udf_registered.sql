-- whether this database's connections have the pipeline's functions (pl_*) already
SELECT count(*) > 0 FROM duckdb_functions() WHERE function_name = 'pl_email'
