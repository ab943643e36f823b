-- run --select: whether the warehouse has the state a rerun of one step
-- reads (flow/select.go): a successful run (not a dry run), so prospects,
-- deliverable and the catalog exist.
SELECT count(*) FROM runs WHERE status = 'succeeded';
