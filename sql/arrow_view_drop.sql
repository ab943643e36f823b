-- Drops the view DuckDB's arrow scan created for a connector's record
-- stream (flow/arrow.go), before the transaction that used it commits: the
-- view must never reach the warehouse file.
DROP VIEW IF EXISTS {{q .View}};
