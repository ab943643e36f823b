-- stage: one source into its raw Parquet files (flow/rawfiles.go), every
-- value as received (VARCHAR), canonical names applied from `map:`,
-- provenance added. A people source's emails go through pl_stage_email
-- once: rows of erased subjects are refused (it answers 'erased', and
-- counts them: DuckDB calls it once per row, it is volatile), the others
-- are subject-bucketed, one folder per bucket of the normalised email
-- (NULL without a valid email), so that a SAR reads and an erasure
-- rewrites one bucket; any other source is one file ($dir names it:
-- DuckDB's partitioned write costs even for a single partition). The
-- erasure tombstones are the suppression rows
-- with kind 'email' and reason 'erasure', loaded by the run before it
-- stages. With .Derive, a row without an email is screened on its derived
-- email (pl_stage_erased, counted alike).
-- Rows of subjects whose retention from this source has run out are
-- refused the same way: the screen answers 'expired' (flow/seen.go).
-- While the stage collects (engine.CollectSubjects), pl_stage_email keeps
-- the subject_key of every row it buckets, for seen_now.sql.
-- pl_stage_email answers the email's FNV-1a hash modulo $modulus
-- (normalize.EmailModulus of $buckets, a multiple of it): the bucket is
-- that modulo $buckets, and the rest, _email_sub (normalize.EmailSub),
-- lets a search of the bucket compare one small integer per row before
-- it reads any email. With .NameSub (a people source with first_name and
-- last_name), a row without a valid email has the sub-bucket of its
-- names instead (name_sub.sql), which the identity hop reads by.
-- Parameters: $source, $run_id, $now, $dir, $buckets, $modulus, plus the scan's
-- own ($path, ...). .Source and .RunID are $source and $run_id again, as
-- the one member of the ENUM type each is cast to: DuckDB then writes the
-- two constant provenance columns as indices into a one-entry dictionary
-- instead of carrying, hashing and comparing the same string for every
-- row (they read back as VARCHAR, the files are the same size).
-- Row order within a raw table carries no meaning (every later step orders
-- explicitly), so DuckDB may write it in parallel. DuckDB's partitioned
-- write buffers rows twice: each thread up to partitioned_write_flush_threshold
-- rows (default 512k) before it hands them to the buckets, and each bucket
-- a whole row group before it writes one. Both buffers are fresh memory
-- the kernel faults in page by page: with the defaults most of a large
-- source is held at once. Flushing every 32k rows into row groups of 10k
-- rows holds much less and faults in fewer pages; the files are the same
-- size and read as fast, and a SAR's row-group pruning gets finer
-- (bench/results holds the measurements).
SET preserve_insertion_order = false;
SET partitioned_write_flush_threshold = 32768;
COPY (
SELECT * EXCLUDE (_screen), CAST(_screen AS INTEGER) % nullif(CAST($buckets AS INTEGER), 0) AS _bucket,
    CAST(CASE WHEN _screen IS NOT NULL THEN CAST(_screen AS INTEGER) // nullif(CAST($buckets AS INTEGER), 0)
{{- if .NameSub}}
              ELSE {{template "name_sub" (args "\"first_name\"" "\"last_name\"")}}
{{- end}} END AS USMALLINT) AS _email_sub FROM (
    SELECT
{{- range .Columns}}
        {{q .Src}} AS {{q .Dst}},
{{- end}}
        CAST($source AS {{enum .Source}}) AS _source,
        CAST($run_id AS {{enum .RunID}}) AS _run_id,
        CAST($now AS TIMESTAMP) AS _loaded_at,
        {{if .Derive}}CASE WHEN __pl_derived IS NOT NULL THEN pl_stage_erased(__pl_derived) ELSE {{end -}}
        {{if .BucketEmail}}pl_stage_email({{q .BucketEmail}}, CAST($modulus AS VARCHAR)){{else}}CAST(NULL AS VARCHAR){{end}}
        {{- if .Derive}} END{{end}} AS _screen
{{- if .Derive}}
    -- .Derive (a people source, with tombstones): a row without an email
    -- is screened on the work emails its company's patterns give
    -- (stage_patterns.sql, derive_email.sql: exactly enrichment's
    -- derivation), so an erased person the feed names but gives no email
    -- for is refused here, before anything about them is kept
    FROM (
        SELECT *, CASE WHEN __pl_fn <> '' AND __pl_ln <> '' THEN array_to_string(list_transform(__pl_patterns,
                   __pl_p -> {{template "email_from_pattern" (args "__pl_p" "__pl_fn" "__pl_ln" "__pl_dom")}}), ' ') END AS __pl_derived
        FROM (
            SELECT d.*, sp.__pl_patterns,
                CASE WHEN sp.__pl_patterns IS NOT NULL THEN {{template "name_letters" (printf "CAST(d.%s AS VARCHAR)" (q .Derive.First))}} END AS __pl_fn,
                CASE WHEN sp.__pl_patterns IS NOT NULL THEN {{template "name_letters" (printf "CAST(d.%s AS VARCHAR)" (q .Derive.Last))}} END AS __pl_ln
            FROM (
                SELECT *,
                    CASE WHEN {{if .Derive.Email}}nullif(trim(CAST({{q .Derive.Email}} AS VARCHAR)), '') IS NULL{{else}}TRUE{{end}}
                         THEN pl_domain(CAST({{q .Derive.Domain}} AS VARCHAR)) END AS __pl_dom
                FROM {{scan .Scan}}
            ) d
            LEFT JOIN stage_patterns sp ON sp.__pl_pattern_domain = d.__pl_dom
        )
    )
{{- else}}
    FROM {{scan .Scan}}
{{- end}}
)
{{- if or .BucketEmail .Derive}}
WHERE _screen IS NULL OR _screen NOT IN ('erased', 'expired')
{{- end}}
{{- if .Empty}}
LIMIT 0
) TO $dir (FORMAT parquet, COMPRESSION {{codec .Compression}});
{{- else if .BucketEmail}}
) TO $dir (FORMAT parquet, COMPRESSION {{codec .Compression}}, PARTITION_BY (_bucket), WRITE_PARTITION_COLUMNS true, FILENAME_PATTERN 'part-{i}', ROW_GROUP_SIZE 10000);
{{- else}}
) TO $dir (FORMAT parquet, COMPRESSION {{codec .Compression}});
{{- end}}
RESET preserve_insertion_order;
RESET partitioned_write_flush_threshold;
