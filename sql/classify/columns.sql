-- the columns of the relation classify reads (relation.sql), without reading rows
SELECT * FROM {{template "classify/relation.sql" .}} LIMIT 0
