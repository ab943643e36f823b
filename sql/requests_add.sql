-- requests: record a new request with the next id (REQ-0001, REQ-0002, ...)
-- and return it.
-- $type, $subject_key, $received, $due, $identity, $now
INSERT INTO requests
SELECT 'REQ-' || lpad(CAST(coalesce(max(CAST(substr(id, 5) AS BIGINT)), 0) + 1 AS VARCHAR), 4, '0'),
       CAST($type AS VARCHAR), CAST($subject_key AS VARCHAR), CAST($received AS DATE), CAST($due AS DATE),
       nullif(CAST($identity AS VARCHAR), ''), 'open', NULL, CAST([] AS VARCHAR[]), NULL, CAST($now AS TIMESTAMP)
FROM requests
RETURNING id;
