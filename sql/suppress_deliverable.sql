-- suppress: screen prospects against the suppression store.
-- Scope (docs/design.md): email lists, objections, erasure tombstones,
-- restrictions and domain lists remove the person from every export;
-- phone lists (TPS/CTPS) remove only the phone number.
-- $now
-- The store is read in place, once per kind (NOT MATERIALIZED: DuckDB
-- would copy a CTE named four times first).
-- withheld_hits (enrich_withhold.sql): restricted and objecting subjects,
-- withheld before prospects; counted with the rest per list.
CREATE TEMP TABLE IF NOT EXISTS withheld_hits (subject_key VARCHAR, kind VARCHAR, reason VARCHAR, source VARCHAR);
CREATE OR REPLACE TEMP TABLE supp_hits AS
WITH supp_active AS NOT MATERIALIZED (
    SELECT * FROM suppression WHERE expires_at IS NULL OR expires_at > CAST($now AS TIMESTAMP)
)
SELECT p.subject_key, s.kind, s.reason, s.source
FROM prospects p JOIN supp_active s ON s.kind = 'email' AND s.hash = p.subject_key
UNION
SELECT p.subject_key, s.kind, s.reason, s.source
FROM prospects p JOIN supp_active s ON s.kind = 'domain' AND s.value = p.company_domain
UNION
SELECT p.subject_key, s.kind, s.reason, s.source
FROM prospects p JOIN supp_active s ON s.kind = 'domain' AND s.value = split_part(p.email, '@', 2)
UNION
SELECT p.subject_key, s.kind, s.reason, s.source
FROM prospects p JOIN supp_active s ON s.kind = 'phone' AND s.hash = sha256(p.phone)
WHERE p.phone IS NOT NULL
UNION
SELECT subject_key, kind, reason, source FROM withheld_hits;
-- deliverable_next: stored as deliverable by keyed_store.sql (warehouse.StoreKeyed)
CREATE OR REPLACE TEMP VIEW deliverable_next AS
SELECT p.* REPLACE (
    CASE WHEN p.subject_key IN (SELECT subject_key FROM supp_hits WHERE kind = 'phone') THEN NULL ELSE p.phone END AS phone
)
FROM prospects p
ANTI JOIN (SELECT DISTINCT subject_key FROM supp_hits WHERE kind IN ('email', 'domain')) h
  ON h.subject_key = p.subject_key;
