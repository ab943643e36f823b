-- the number of rows of the relation classify reads (relation.sql)
SELECT count(*) FROM {{template "classify/relation.sql" .}}
