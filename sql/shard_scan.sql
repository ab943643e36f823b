-- shard: a source's scan narrowed to the rows of one shard of a sharded
-- run (`pipeline run --shard I/N`, docs/sharding.md). Used as the FROM of
-- stage_table.sql for companies and people sources only; every other
-- source (suppression, consent, reference) is read whole by every shard.
--
-- The shard key is the domain that decides a person's company, as
-- enrichment reads it (enrich_people.sql): a people row's company_domain,
-- or its email's domain when the company domain is missing or blank; a
-- company row's domain. It is normalised by pl_domain (lower case, no
-- scheme, path or www., IDNA to ASCII), so a company and its people, and
-- a subject, always land in the same shard.
--
-- The hash (shard_of_domain, below) is stable across DuckDB versions and
-- machines: the first 8 hex digits of the SHA-256 of the lower-cased
-- normalised domain, read as an unsigned 32-bit number, modulo N. A row
-- without a domain goes to shard 0. In Python:
--   int(hashlib.sha256(domain.lower().encode()).hexdigest()[:8], 16) % n
-- (DuckDB's hash() is not used: it may change between versions.)
--
-- .Scan is the source's scan (an engine.Scan, rendered by scan); .Domain is
-- the scan's column that becomes `domain` (companies) or
-- `company_domain` (people), .Email the one that becomes `email`
-- (people); either may be "". Parameters: $shard_i, $shard_n.
{{- define "shard_of_domain"}}coalesce(CAST(('0x' || left(sha256(lower(pl_domain({{template "shard_raw_domain" .}}))), 8)) AS UBIGINT) % CAST($shard_n AS UBIGINT), 0){{end}}
{{- define "shard_raw_domain"}}
{{- if and .Domain .Email}}CASE WHEN nullif(trim(CAST({{q .Domain}} AS VARCHAR)), '') IS NULL THEN split_part(CAST({{q .Email}} AS VARCHAR), '@', 2) ELSE CAST({{q .Domain}} AS VARCHAR) END
{{- else if .Domain}}CAST({{q .Domain}} AS VARCHAR)
{{- else if .Email}}split_part(CAST({{q .Email}} AS VARCHAR), '@', 2)
{{- else}}CAST(NULL AS VARCHAR){{end}}
{{- end}}
(SELECT * FROM {{scan .Scan}} WHERE {{template "shard_of_domain" .}} = CAST($shard_i AS UBIGINT))
