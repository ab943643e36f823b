-- stage: a consent source (role consent), kept hashed like the suppression
-- store: the email is normalised and hashed in the scan (subject_key =
-- hex SHA-256 of the normalised email, as in prospects) and never stored;
-- a list that arrives already hashed may give a `sha256` column instead.
-- Only the consent columns are kept (channel, given_at, wording,
-- withdrawn_at, as received); any other column of the file is dropped.
-- Rows without a usable email or hash are counted, not kept; rows of
-- erased subjects (the erasure tombstones) are refused.
-- Parameters: $source, $run_id, $now, $dir, plus the scan's own ($path, ...)
CREATE OR REPLACE TEMP TABLE consent_in AS
WITH scanned AS (
    SELECT
{{- range .Keep}}
        {{if .Src}}CAST({{q .Src}} AS VARCHAR){{else}}NULL::VARCHAR{{end}} AS {{q .Dst}},
{{- end}}
        {{if .SHA}}lower(trim(CAST({{q .SHA}} AS VARCHAR))){{else}}NULL::VARCHAR{{end}} AS __pl_given_hash,
        {{if .Email}}pl_email(CAST({{q .Email}} AS VARCHAR)){{else}}NULL::VARCHAR{{end}} AS __pl_norm
    FROM {{scan .Scan}}
)
SELECT
    CASE WHEN __pl_given_hash IS NOT NULL AND regexp_full_match(__pl_given_hash, '[0-9a-f]{64}') THEN __pl_given_hash
         WHEN __pl_norm IS NOT NULL THEN sha256(__pl_norm) END AS subject_key,
    * EXCLUDE (__pl_given_hash, __pl_norm),
    subject_key IN (SELECT hash FROM suppression WHERE kind = 'email' AND reason = 'erasure') AS __pl_erased
FROM scanned;
COPY (
    SELECT subject_key{{range .Keep}}, {{q .Dst}}{{end}},
        CAST($source AS VARCHAR) AS _source,
        CAST($run_id AS VARCHAR) AS _run_id,
        CAST($now AS TIMESTAMP) AS _loaded_at
    FROM consent_in
    WHERE subject_key IS NOT NULL AND NOT coalesce(__pl_erased, false)
{{- if .Empty}}
    LIMIT 0
{{- end}}
) TO $dir (FORMAT parquet, COMPRESSION {{codec .Compression}});
