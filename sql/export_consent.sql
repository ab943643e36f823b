-- export: the subjects each consent campaign may reach: a recorded,
-- unwithdrawn consent for every one of the campaign's channels, from the
-- consent sources as staged (sql/stage_consent.sql: subject_key, channel,
-- given_at, wording, withdrawn_at; the email is stored only hashed). Per
-- subject and channel the latest consent counts unless a withdrawal on or
-- after it (and not in the future) is recorded.
-- campaign_channels (campaign, channel) is filled by the run from config.
-- $now
CREATE OR REPLACE TEMP TABLE campaign_consent AS
WITH src AS (
{{- range $i, $s := .Sources}}
    {{if $i}}UNION ALL BY NAME {{end}}SELECT *{{range $s.Missing}}, NULL::VARCHAR AS {{q .}}{{end}} FROM {{template "source_from.sql" $s}}
{{- end}}
), rec AS (
    SELECT subject_key,
           lower(trim(channel)) AS channel,
           TRY_CAST(nullif(trim(given_at), '') AS TIMESTAMP) AS given_at,
           TRY_CAST(nullif(trim(withdrawn_at), '') AS TIMESTAMP) AS withdrawn_at
    FROM src
    WHERE subject_key IS NOT NULL
), latest AS (
    SELECT subject_key, channel,
           max(given_at) FILTER (WHERE given_at <= CAST($now AS TIMESTAMP)) AS given_at,
           max(withdrawn_at) FILTER (WHERE withdrawn_at <= CAST($now AS TIMESTAMP)) AS withdrawn_at
    FROM rec GROUP BY ALL
), valid AS (
    SELECT subject_key, channel FROM latest
    WHERE given_at IS NOT NULL AND (withdrawn_at IS NULL OR withdrawn_at < given_at)
), needed AS (
    SELECT campaign, count(DISTINCT channel) AS channels FROM campaign_channels GROUP BY campaign
), granted AS (
    SELECT cc.campaign, v.subject_key, count(DISTINCT cc.channel) AS channels
    FROM campaign_channels cc JOIN valid v ON v.channel = cc.channel
    GROUP BY cc.campaign, v.subject_key
)
SELECT g.campaign, g.subject_key
FROM granted g JOIN needed n ON n.campaign = g.campaign AND n.channels = g.channels;
