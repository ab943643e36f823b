INSERT INTO runs (run_id, pipeline, started_at, status) VALUES ($1, $2, $3, 'running')
