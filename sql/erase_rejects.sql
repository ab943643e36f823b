-- erase: delete quarantined source lines that mention the subject's email.
-- $like
DELETE FROM rejects WHERE raw_line ILIKE $like ESCAPE '\';
