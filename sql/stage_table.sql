-- stage: one source into raw_<source>, every value as received (VARCHAR),
-- canonical names applied from `map:`, provenance added.
-- Parameters: $source, $run_id, $now, plus the scan's own ($path, ...).
-- Row order within a raw table carries no meaning (every later step orders
-- explicitly), so DuckDB may write it in parallel.
SET preserve_insertion_order = false;
CREATE OR REPLACE TABLE {{q .Table}} AS
SELECT
{{- range .Columns}}
    {{q .Src}} AS {{q .Dst}},
{{- end}}
    CAST($source AS VARCHAR) AS _source,
    CAST($run_id AS VARCHAR) AS _run_id,
    CAST($now AS TIMESTAMP) AS _loaded_at
FROM {{.Scan}}
{{- if .TombstoneEmail}}
-- erased subjects are refused: pl_erased_email looks the SHA-256 of the
-- normalised email up in the erasure tombstones (suppression rows with
-- kind 'email' and reason 'erasure'), which the run loads before staging
WHERE pl_erased_email({{q .TombstoneEmail}}) IS NULL
{{- end}};
RESET preserve_insertion_order;
