-- erase: delete quarantined source lines that mention the subject's email
-- (the lines sar_rejects.sql finds).
-- $like, $like_unicode
DELETE FROM rejects WHERE {{template "rejects_match.sql"}};
