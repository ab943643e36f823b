-- erase: forget when the subject was staged from each source (flow/seen.go);
-- the erasure tombstone refuses them from now on.
-- $key
DELETE FROM subject_seen WHERE subject_key = $key;
