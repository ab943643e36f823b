-- sar: quarantined source lines that mention the subject's email (raw
-- lines are kept as received, so the match is case-insensitive on the text).
-- $like: the normalised email as an ILIKE pattern ('%' || email || '%', escaped)
-- $like_unicode: the same with its domain in Unicode (IDNA ToUnicode), matched
-- on the line in NFC (a line holds an international address as received)
SELECT * FROM rejects
WHERE {{template "rejects_match.sql"}};
