-- erase: delete the subject's rows (erase_rowids.sql) from one warehouse
-- table.
DELETE FROM {{q .Table}} WHERE rowid IN (SELECT _pl_rid FROM erase_rids);
