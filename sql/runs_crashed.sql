-- A run whose process ended without finishing it (killed, power cut): the
-- next command that takes the warehouse lock marks it (flow/journal.go).
-- Only a command holding the lock runs this, so no run is in progress.
-- What such a run wrote and never committed may be in the file's free
-- blocks: scrub_pending says so (pipeline/warehouse/scrub.go).
-- $run_id ('' for every unfinished run), $now, $error
INSERT INTO scrub_pending
SELECT 'a run ended without finishing it', CAST($now AS TIMESTAMP)
WHERE EXISTS (SELECT 1 FROM runs WHERE status = 'running' AND ($run_id = '' OR run_id = $run_id))
  AND NOT EXISTS (SELECT 1 FROM scrub_pending WHERE reason = 'a run ended without finishing it');
UPDATE runs SET status = 'crashed', finished_at = $now, error = $error
WHERE status = 'running' AND ($run_id = '' OR run_id = $run_id);
