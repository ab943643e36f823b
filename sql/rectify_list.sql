-- rectify: the corrections recorded for one subject, oldest first (the SAR's
-- "corrected on … at your request").
-- $key
SELECT "column", value, corrected_at, coalesce(request_id, '') AS request_id
FROM rectifications
WHERE subject_key = $key
ORDER BY corrected_at, "column";
