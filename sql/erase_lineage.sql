-- erase: forget which files held the subject (run after the files were
-- rewritten; the Art. 19 notice was kept in the erasure journal).
-- $key
DELETE FROM lineage WHERE subject_key = $key;
