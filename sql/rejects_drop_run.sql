-- a dry run's rejects, dropped after it
DELETE FROM rejects WHERE run_id = $1
