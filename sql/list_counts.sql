-- a hashed suppression list's entries and those not usable (no hash)
SELECT count(*), count(*) FILTER (WHERE hash IS NULL) FROM {{table .}}
