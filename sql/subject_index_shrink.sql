-- erase: the indexed table lost $n rows (their entries went with them).
UPDATE subject_index_state SET "rows" = "rows" - $n WHERE "table" = $table;
