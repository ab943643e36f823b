-- an import's rows and those not usable (no hash)
SELECT count(*), count(*) FILTER (WHERE hash IS NULL) FROM supp_in
