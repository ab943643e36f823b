-- An export that a committed run could not put in place: its lineage goes,
-- so that the index says only what was delivered (flow/journal.go).
-- $run_id, $export
DELETE FROM lineage WHERE run_id = $run_id AND export = $export;
