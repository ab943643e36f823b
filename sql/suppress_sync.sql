-- suppress: sync one suppression list into the store. Raw emails and
-- phones are hashed in the scan and never stored.
-- $kind, $phone_country (default region for national phone forms), plus the scan's own ($path, ...)
-- Into (a run's scratch table, pipeline/flow/suppress.go) or TEMP supp_in.
CREATE OR REPLACE {{if .Into}}TABLE {{table .Into}}{{else}}TEMP TABLE supp_in{{end}} AS
WITH scanned AS (
    SELECT
    {{- if .SHA}}
        lower(trim(CAST({{q .SHA}} AS VARCHAR))) AS given_hash,
    {{- else}}
        NULL::VARCHAR AS given_hash,
    {{- end}}
    {{- if .Value}}
        CAST({{q .Value}} AS VARCHAR) AS v
    {{- else}}
        NULL::VARCHAR AS v
    {{- end}}
    FROM {{scan .Scan}}
), normalised AS (
    SELECT
        CASE CAST($kind AS VARCHAR)
            WHEN 'email'  THEN pl_email(v)
            WHEN 'phone'  THEN pl_phone(v, CAST($phone_country AS VARCHAR))
            WHEN 'domain' THEN pl_domain(v)
        END AS norm,
        given_hash
    FROM scanned
)
SELECT
    CASE WHEN given_hash IS NOT NULL AND regexp_full_match(given_hash, '[0-9a-f]{64}') THEN given_hash
         WHEN norm IS NOT NULL THEN sha256(norm) END AS hash,
    CASE WHEN CAST($kind AS VARCHAR) = 'domain' THEN norm END AS value
FROM normalised;
