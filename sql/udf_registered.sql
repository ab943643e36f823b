-- whether this database's connections have the pipeline's functions (pl_*)
-- already: engine prepares it (binding, running nothing), which fails with a
-- Catalog Error when pl_email is not in the catalog. (A NULL constant here
-- would crash duckdb-go's bind callback.)
SELECT pl_email('')
