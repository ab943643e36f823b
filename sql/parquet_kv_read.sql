-- a Parquet file's key-value metadata as text (engine.FileKV): kept by
-- the erasure's rewrite of an export file. $file
SELECT decode(key) AS key, decode(value) AS value
FROM parquet_kv_metadata($file)
ORDER BY 1;
