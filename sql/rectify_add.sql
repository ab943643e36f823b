-- rectify: record one correction (`pipeline rectify --set COLUMN=VALUE`).
-- $key, $column, $value, $now, $request, $actor
INSERT INTO rectifications (subject_key, "column", value, corrected_at, request_id, actor)
VALUES ($key, $column, $value, CAST($now AS TIMESTAMP), nullif($request, ''), $actor);
