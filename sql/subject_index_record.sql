-- subject index: remember what the index of $table was built from.
INSERT INTO subject_index_state ("table", "rows", signature, built_at) VALUES ($table, $rows, $signature, $now);
