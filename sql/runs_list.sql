-- pipeline runs: the latest runs, newest first. $limit
SELECT run_id, status, strftime(started_at, '%Y-%m-%d %H:%M:%S') AS started,
       coalesce(strftime(finished_at, '%Y-%m-%d %H:%M:%S'), '') AS finished,
       coalesce(CAST(pid AS VARCHAR), '') AS pid, coalesce(error, '') AS error
FROM runs ORDER BY started_at DESC, run_id DESC LIMIT $limit;
