UPDATE runs SET finished_at = $1, status = $2, error = $3, report = $4 WHERE run_id = $5
