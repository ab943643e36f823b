-- stage: drop stage_consent.sql's work table.
DROP TABLE IF EXISTS consent_in;
