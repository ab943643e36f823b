-- a FROM fragment's columns, without reading rows (the fragment is the pipeline's own SQL: a quoted table or a scan rendered from sql/)
SELECT * FROM {{.}} LIMIT 0
