-- requests: the register of rights requests (access, erasure, restriction,
-- objection, rectification): when each came, when it is due, how the
-- requester's identity was checked, and the commands that answered it.
-- No raw identifier is kept: the subject is their subject_key.
CREATE TABLE IF NOT EXISTS requests (
    id              VARCHAR PRIMARY KEY,
    type            VARCHAR NOT NULL,
    subject_key     VARCHAR NOT NULL,
    received        DATE NOT NULL,
    due             DATE NOT NULL,
    identity_check  VARCHAR,
    status          VARCHAR NOT NULL,
    extended_reason VARCHAR,
    answered_by     VARCHAR[] NOT NULL,
    answered_at     TIMESTAMP,
    created_at      TIMESTAMP NOT NULL
);
