-- The audit log: append-only and hash-chained. Each row's hash is the hex
-- SHA-256 of the canonical JSON of its fields and the previous row's hash,
-- so an edited, deleted or reordered row breaks the chain (pipeline audit verify).
-- details is JSON holding subject keys, hashes, counts and list names only:
-- never a raw email, name or phone.
CREATE TABLE IF NOT EXISTS audit_log (
    seq         BIGINT PRIMARY KEY,
    "at"        TIMESTAMP NOT NULL,
    actor       VARCHAR NOT NULL,
    action      VARCHAR NOT NULL,
    subject_key VARCHAR,
    details     VARCHAR,
    prev_hash   VARCHAR NOT NULL,
    hash        VARCHAR NOT NULL
);
