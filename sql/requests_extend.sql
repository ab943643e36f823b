-- requests: extend an open request's due date (once) with the reason.
-- $id, $due, $reason
UPDATE requests SET due = CAST($due AS DATE), extended_reason = CAST($reason AS VARCHAR)
WHERE id = $id AND status = 'open' AND extended_reason IS NULL;
