-- no consent source: no subject has consented to anything
CREATE OR REPLACE TEMP TABLE campaign_consent (campaign VARCHAR, subject_key VARCHAR)
