-- points a view at a folder of raw files (see read_raw.sql)
CREATE VIEW {{q .View}} AS SELECT * FROM {{template "read_raw.sql" .Dir}};
