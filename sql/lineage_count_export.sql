SELECT count(*) FROM lineage WHERE run_id = $1 AND export = $2
