-- sar: quarantined source lines that mention the subject's email (raw
-- lines are kept as received, so the match is case-insensitive on the text).
-- $like: the normalised email as an ILIKE pattern ('%' || email || '%', escaped)
SELECT * FROM rejects
WHERE raw_line ILIKE $like ESCAPE '\';
