-- A run whose process ended without finishing it (killed, power cut): the
-- next command that takes the warehouse lock marks it (flow/journal.go).
-- Only a command holding the lock runs this, so no run is in progress.
-- $run_id ('' for every unfinished run), $now, $error
UPDATE runs SET status = 'crashed', finished_at = $now, error = $error
WHERE status = 'running' AND ($run_id = '' OR run_id = $run_id);
