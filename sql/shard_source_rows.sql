-- shard: the well-formed rows of a whole source (every shard's), the base
-- of its reject rate in the shard that keeps its rejects (shard 0): the
-- rate is the unsharded run's. .Scan is the source's scan (engine.Scan) that skips
-- malformed rows; its own parameters are bound ($path, ...).
SELECT count(*) FROM {{scan .Scan}}
