-- a scan's columns (an engine.Scan: a table, a source's read), without reading rows
SELECT * FROM {{scan .}} LIMIT 0
