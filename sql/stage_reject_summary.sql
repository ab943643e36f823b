-- stage: how many lines of one source were rejected, and the first few
-- (file, line, error type: never the line) for the message that stops a
-- run.
-- $run_id, $source
SELECT count(*) OVER () AS n, file, line, error_type
FROM rejects
WHERE run_id = CAST($run_id AS VARCHAR) AND source = CAST($source AS VARCHAR)
ORDER BY line
LIMIT 3;
