-- subject index: forget the state of $table's index (before a rebuild).
DELETE FROM subject_index_state WHERE "table" = $table;
