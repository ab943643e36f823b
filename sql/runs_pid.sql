-- The process running a run, so that a later command can tell a run whose
-- process died (flow/journal.go). $pid, $run_id
UPDATE runs SET pid = $pid WHERE run_id = $run_id;
