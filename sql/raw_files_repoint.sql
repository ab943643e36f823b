-- Re-point one raw table's files at this warehouse's own raw folder, when
-- the warehouse was copied or moved with them (flow/rawmove.go).
UPDATE raw_files SET dir = $dir WHERE table_name = $table;
