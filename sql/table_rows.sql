-- the number of rows of one table.
SELECT count(*) FROM {{q .Table}};
