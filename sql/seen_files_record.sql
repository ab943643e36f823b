-- retention: subject_seen's current generation is the folder $dir (in the
-- transaction that points the view at it, warehouse.PromoteSeen)
DELETE FROM seen_files;
INSERT INTO seen_files VALUES ($dir, $gen);
