-- a run stopped before it did anything (its configuration did not validate) leaves no row
DELETE FROM runs WHERE run_id = $1
