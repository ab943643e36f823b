-- sar: quarantined source lines that do not mention the subject's email
-- but one of their phones, in any written form ($phones: an RE2 pattern
-- of each phone's digits in order, rights.phoneDigits), with their rowid;
-- the caller keeps those that carry one of the subject's names
-- (rights.findRejectsByPhone).
-- $phones, $like, $like_unicode
SELECT rowid AS "__pipeline_rowid__", * FROM rejects
WHERE regexp_matches(raw_line, $phones) AND NOT {{template "rejects_match.sql"}};
