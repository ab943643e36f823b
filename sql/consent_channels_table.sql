-- each consent campaign's channels (loadConsent), read by export_select.sql
CREATE OR REPLACE TEMP TABLE campaign_channels (campaign VARCHAR, channel VARCHAR)
