-- pipeline runs: the latest runs, newest first, with the rows their
-- exports wrote (NULL when the run wrote none). $limit
SELECT r.run_id, r.status, r.started_at, r.finished_at,
       date_diff('millisecond', r.started_at, r.finished_at) AS duration_ms,
       (SELECT sum(s.exported) FROM run_stages s WHERE s.run_id = r.run_id AND s.stage = 'export') AS rows_exported,
       r.pid, r.error
FROM runs r ORDER BY r.started_at DESC, r.run_id DESC LIMIT $limit;
