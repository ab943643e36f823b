-- requests: a command answered request $id: it is added to answered_by
-- and the request is answered (the first answer's time is kept).
-- $id, $command, $now
UPDATE requests
SET answered_by = list_append(answered_by, CAST($command AS VARCHAR)),
    status = 'answered',
    answered_at = coalesce(answered_at, CAST($now AS TIMESTAMP))
WHERE id = $id;
