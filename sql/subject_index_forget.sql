-- erase: drop the subject index entries of the rows erase_rowids.sql found
-- (before they are deleted), and count them off the index's state.

DELETE FROM {{q .Index}} WHERE rid IN (SELECT _pl_rid FROM erase_rids);
