-- erase: the subject's corrections go with the rest of their data.
-- $key
DELETE FROM rectifications WHERE subject_key = $key;
