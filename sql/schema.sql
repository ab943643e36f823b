-- The warehouse's own tables. Created on first use; never dropped by a run.
CREATE TABLE IF NOT EXISTS runs (
    run_id      VARCHAR NOT NULL,
    pipeline    VARCHAR,
    started_at  TIMESTAMP,
    finished_at TIMESTAMP,
    status      VARCHAR,          -- running | succeeded | failed | interrupted | dry_run | crashed
    error       VARCHAR,
    report      VARCHAR           -- JSON run report
);
CREATE TABLE IF NOT EXISTS run_stages (
    run_id      VARCHAR NOT NULL,
    stage       VARCHAR NOT NULL,
    step        VARCHAR NOT NULL, -- source, export or list name
    rows_in     BIGINT,
    rows_out    BIGINT,
    rejected    BIGINT,
    suppressed  BIGINT,
    exported    BIGINT,
    duration_ms BIGINT
);
-- Malformed source rows, quarantined with where they came from and why.
CREATE TABLE IF NOT EXISTS rejects (
    run_id      VARCHAR NOT NULL,
    source      VARCHAR NOT NULL,
    file        VARCHAR,
    line        BIGINT,
    column_name VARCHAR,
    error_type  VARCHAR,
    error       VARCHAR,
    raw_line    VARCHAR,
    rejected_at TIMESTAMP
);
-- The suppression store: emails and phones only as SHA-256 of the
-- normalised value; domains in clear (company data).
CREATE TABLE IF NOT EXISTS suppression (
    kind       VARCHAR NOT NULL,  -- email | domain | phone
    hash       VARCHAR NOT NULL,  -- hex sha256 of the normalised value
    value      VARCHAR,           -- domains only
    reason     VARCHAR NOT NULL,  -- unsubscribe | objection | complaint | tps | ctps | client_dnc | erasure | restriction | ...
    source     VARCHAR NOT NULL,  -- list name or 'manual'
    added_at   TIMESTAMP NOT NULL,
    added_by   VARCHAR NOT NULL,  -- 'sync' for list entries, the actor otherwise
    expires_at TIMESTAMP,
    note       VARCHAR
);
-- The last sync of each suppression list: a run whose list has the same
-- fingerprint (file contents, list settings, the binary) while the
-- store's entries for it have the same digest leaves it as it is instead
-- of normalising and hashing it again (pipeline/flow/suppress.go).
-- No personal data: names, hex digests, counts.
CREATE TABLE IF NOT EXISTS list_syncs (
    source       VARCHAR NOT NULL,
    fingerprint  VARCHAR NOT NULL,
    store_digest VARCHAR NOT NULL,
    rows_in      BIGINT NOT NULL,
    unusable     BIGINT NOT NULL,
    run_id       VARCHAR NOT NULL,
    synced_at    TIMESTAMP NOT NULL
);
-- Which subject went into which export file, delivered to whom.
CREATE TABLE IF NOT EXISTS lineage (
    run_id      VARCHAR NOT NULL,
    export      VARCHAR NOT NULL,
    campaign    VARCHAR NOT NULL,
    recipient   VARCHAR NOT NULL,
    dir         VARCHAR NOT NULL,
    file        VARCHAR NOT NULL, -- relative to dir
    subject_key VARCHAR NOT NULL,
    exported_at TIMESTAMP NOT NULL
);
-- The data map: one row per column of every dataset.
CREATE TABLE IF NOT EXISTS catalog (
    dataset       VARCHAR NOT NULL,
    "table"       VARCHAR NOT NULL,
    "column"      VARCHAR NOT NULL,
    category      VARCHAR NOT NULL,
    personal      BOOLEAN NOT NULL,
    confidence    DOUBLE,
    method        VARCHAR,
    evidence      VARCHAR,
    classified_at TIMESTAMP,
    run_id        VARCHAR
);
-- Where each raw_<source> view's Parquet files are (flow/rawfiles.go):
-- one folder per run, subject-bucketed by bucket_column when buckets is set.
CREATE TABLE IF NOT EXISTS raw_files (
    table_name    VARCHAR NOT NULL, -- raw_<source>
    dir           VARCHAR NOT NULL, -- absolute
    run_id        VARCHAR NOT NULL,
    buckets       INTEGER,          -- NULL: not bucketed
    bucket_column VARCHAR,          -- the email column of the buckets
    compression   VARCHAR NOT NULL  -- uncompressed | zstd
);
-- The audit log's head (seq, hash) when each run started: an anchor of the
-- chain outside audit_log, so that entries deleted from its end are found
-- by `pipeline audit verify` (pipeline/audit/anchor.go).
ALTER TABLE runs ADD COLUMN IF NOT EXISTS audit_seq BIGINT;
ALTER TABLE runs ADD COLUMN IF NOT EXISTS audit_hash VARCHAR;
-- runs.pid: the process that ran it (crash detection, flow/journal.go);
-- added to warehouses created before it existed.
ALTER TABLE runs ADD COLUMN IF NOT EXISTS pid BIGINT;
-- Corrections a data subject asked for (`pipeline rectify`, GDPR Art. 16):
-- the value of one person column, by subject_key. Every run applies the
-- latest correction of each column after staging (sql/enrich_rectify.sql),
-- so the source's wrong value never comes back. value '' means "no value"
-- (a wrong phone removed). Personal data: found by SAR, deleted by erasure.
CREATE TABLE IF NOT EXISTS rectifications (
    subject_key  VARCHAR NOT NULL,
    "column"     VARCHAR NOT NULL, -- first_name | last_name | job_title | phone | linkedin_url
    value        VARCHAR NOT NULL,
    corrected_at TIMESTAMP NOT NULL,
    request_id   VARCHAR,          -- the requests register's id (--request), if any
    actor        VARCHAR NOT NULL
);
-- When each subject was first and last staged from each people source
-- (pipeline/flow/seen.go): a source's retention counts from first_seen
-- (or last_seen, retention_from: last_seen), not from the run that staged
-- the rows last. expired_at is set when a first_seen source's retention
-- ran out: the subject is not staged again from that source. subject_key
-- only (the SHA-256 of the normalised email), never the email.
-- subject_seen (subject_key, source, first_seen, last_seen, expired_at)
-- is not kept in this file but in Parquet files beside it, bucketed by
-- subject_key, one folder per generation (pipeline/warehouse/seenfiles.go):
-- subject_seen is a view over them (sql/seen_view.sql) and seen_files
-- names the current folder. A warehouse from before keeps a subject_seen
-- table until its first open moves it into files.
CREATE TABLE IF NOT EXISTS seen_files (
    dir VARCHAR NOT NULL, -- absolute: <raw root>/subject_seen/<generation>
    gen VARCHAR NOT NULL
);
-- Why the warehouse file may hold personal values in its free blocks
-- (pipeline/warehouse/scrub.go): one row per reason, set in the
-- transaction that deleted them (a purge of rejects, a run that did not
-- commit, tables of an earlier version replaced) and cleared only in the
-- fresh copy an erasure's compaction writes. The file holds no other
-- personal value but pseudonymous keys, so an erasure that deleted only
-- keys (lineage) from it, with no row here, has nothing to scrub.
CREATE TABLE IF NOT EXISTS scrub_pending (
    reason VARCHAR NOT NULL,
    since  TIMESTAMP NOT NULL
);
