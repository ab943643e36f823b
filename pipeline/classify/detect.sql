-- detect.sql: value detectors over a sample in long form (col, v).
-- The Source placeholder is sample.sql (or, in tests, any query yielding col, v).
-- Parameter $1 is the reference date (DATE) used for the age window of
-- dates of birth. One output row per column: the number of non-empty
-- sampled values and, per detector, how many of them match. Phone numbers
-- are only prefiltered here; the sampled candidates are returned so that
-- Go can check them with libphonenumber.
WITH src AS (
    {{.Source}}
),
s AS (
    SELECT col, trim(v, ' "''' || chr(9) || chr(10) || chr(13)) AS v
    FROM src
    WHERE v IS NOT NULL
),
n AS (
    SELECT col, v,
        upper(regexp_replace(v, '[ -]', '', 'g')) AS compact,
        regexp_replace(v, '[^0-9]', '', 'g') AS digits,
        -- only short values with a digit can be dates in these formats
        -- (the longest, "September 30, 2026", has 18 characters): trying
        -- ten formats on every value was most of a table's detection time.
        -- DuckDB's date cast needs a digit first (after white space and a
        -- minus sign); every format here starts with a day, a month or a
        -- year and ends with the year: a value that fits neither (an
        -- email, a domain, a URL, a phone number in "+" form) skips them
        -- (dates were 40% of a people table's detection time; checked
        -- equal on 826k distinct values of the bench set and the Presidio
        -- cases, the edge cases of TestDateDetection included)
        CASE WHEN length(v) <= 32 THEN COALESCE(
            CASE WHEN regexp_matches(v, '^[ \t\n\x0B\f\r]*-?[0-9]') THEN try_cast(v AS DATE) END,
            CASE WHEN regexp_matches(v, '^[ \t\n\x0B\f\r]*[-0-9A-Za-z]') AND regexp_matches(v, '[0-9][ \t\n\x0B\f\r]*$') THEN
                CAST(try_strptime(v, ['%d/%m/%Y', '%m/%d/%Y', '%d-%m-%Y', '%d.%m.%Y', '%Y/%m/%d',
                                      '%d %b %Y', '%d %B %Y', '%b %d, %Y', '%B %d, %Y', '%d-%b-%Y'])
                     AS DATE) END
        ) END AS as_date
    FROM s
    WHERE v <> ''
),
f AS (
    SELECT col, v, as_date,
        -- email: local@domain.tld, IDN (xn--) top-level domains allowed
        regexp_full_match(v, '[A-Za-z0-9._%+''-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{2,59})')
            AS is_email,
        -- personal social profile: linkedin /in/, twitter, x, github, facebook, instagram
        regexp_full_match(v, '(?i)(?:https?://)?(?:[a-z]{2,3}\.)?(?:www\.)?(?:linkedin\.com/(?:in|pub)/[^/?#\s]+|(?:twitter|x|github|facebook|instagram)\.com/[A-Za-z0-9_.-]+)/?(?:[?#]\S*)?')
            AS is_profile,
        -- company page on a social network: linkedin /company/, /school/, /showcase/
        regexp_full_match(v, '(?i)(?:https?://)?(?:[a-z]{2,3}\.)?(?:www\.)?linkedin\.com/(?:company|school|showcase)/[^\s]+')
            AS is_company_page,
        -- URL with a scheme and a dotted host
        regexp_full_match(v, '(?i)https?://[^\s/?#:]+\.[^\s/?#:]+(?::\d+)?(?:[/?#]\S*)?')
            AS is_url,
        -- bare domain (acme.co.uk, www.acme.com/path); "www.x" alone is not one
        (regexp_full_match(v, '(?i)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{2,59})(?:/\S*)?')
            AND NOT (lower(v) LIKE 'www.%' AND NOT regexp_full_match(substr(v, 5), '(?i)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}(?:/\S*)?')))
            AS is_domain,
        -- IPv4, optionally with a CIDR prefix length
        regexp_full_match(v, '(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(?:/(?:3[0-2]|[12]?[0-9]))?')
            AS is_ipv4,
        -- IPv6 (full, compressed, with embedded IPv4), optional zone and prefix length
        regexp_full_match(v, '(?i)(?:(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}|(?:[0-9a-f]{1,4}:){1,7}:|(?:[0-9a-f]{1,4}:){1,6}:[0-9a-f]{1,4}|(?:[0-9a-f]{1,4}:){1,5}(?::[0-9a-f]{1,4}){1,2}|(?:[0-9a-f]{1,4}:){1,4}(?::[0-9a-f]{1,4}){1,3}|(?:[0-9a-f]{1,4}:){1,3}(?::[0-9a-f]{1,4}){1,4}|(?:[0-9a-f]{1,4}:){1,2}(?::[0-9a-f]{1,4}){1,5}|[0-9a-f]{1,4}:(?::[0-9a-f]{1,4}){1,6}|:(?:(?::[0-9a-f]{1,4}){1,7}|:)|(?:[0-9a-f]{1,4}:){6}(?:(?:25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])|(?:(?:[0-9a-f]{1,4}:){1,5}|:):(?:[0-9a-f]{1,4}:){0,4}(?:(?:25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9]))(?:%[0-9a-z]+)?(?:/(?:12[0-8]|1[01][0-9]|[1-9]?[0-9]))?')
            AS is_ipv6,
        regexp_full_match(v, '(?i)(?:[0-9a-f]{2}:){5}[0-9a-f]{2}|(?:[0-9a-f]{2}-){5}[0-9a-f]{2}|[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}')
            AS is_mac,
        -- IBAN: country, check digits, BBAN; ISO 7064 mod 97 = 1 over the
        -- rearranged string with letters as 10..35
        -- (upper case, compact or in groups of four split by spaces or dashes)
        (CASE WHEN regexp_full_match(v, '[A-Z]{2}[0-9]{2}(?:[A-Z0-9]{11,30}|(?:[ -]?[A-Z0-9]{4}){2,7}(?:[ -]?[A-Z0-9]{1,3})?)')
            THEN list_reduce(
                list_transform(string_split(substr(compact, 5) || substr(compact, 1, 4), ''),
                    lambda c: CASE WHEN c BETWEEN 'A' AND 'Z' THEN ascii(c) - 55 ELSE ascii(c) - 48 END),
                lambda acc, x: (acc * CASE WHEN x >= 10 THEN 100 ELSE 10 END + x) % 97, 0) = 1
            ELSE false END)
            AS is_iban,
        -- payment card: 13-19 digits, optionally grouped by spaces or dashes,
        -- Luhn; 13 digits starting with 1 are millisecond timestamps
        (CASE WHEN regexp_full_match(v, '[0-9]{4}(?:[ -]?[0-9]{2,6}){2,4}') AND regexp_full_match(compact, '[0-9]{13,19}')
                   AND NOT regexp_full_match(compact, '1[0-9]{12}')
            THEN list_sum(list_transform(range(1, length(compact) + 1), lambda i:
                CASE WHEN i % 2 = 0
                     THEN CASE WHEN TRY_CAST(substr(compact, length(compact) - i + 1, 1) AS INTEGER) * 2 > 9
                               THEN TRY_CAST(substr(compact, length(compact) - i + 1, 1) AS INTEGER) * 2 - 9
                               ELSE TRY_CAST(substr(compact, length(compact) - i + 1, 1) AS INTEGER) * 2 END
                     ELSE TRY_CAST(substr(compact, length(compact) - i + 1, 1) AS INTEGER) END)) % 10 = 0
            ELSE false END)
            AS is_card,
        -- UK NHS number: 10 digits (3-3-4), mod 11 check digit
        (CASE WHEN regexp_full_match(v, '[0-9]{3}[ -]?[0-9]{3}[ -]?[0-9]{4}')
            THEN (11 - list_sum(list_transform(range(1, 10), lambda i: TRY_CAST(substr(compact, i, 1) AS INTEGER) * (11 - i))) % 11) % 11
                = TRY_CAST(substr(compact, 10, 1) AS INTEGER)
            ELSE false END)
            AS is_nhs,
        -- UK National Insurance number (HMRC prefix rules)
        (regexp_full_match(upper(v), '[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?[0-9]{2} ?[0-9]{2} ?[0-9]{2} ?[A-D]')
            AND substr(compact, 1, 2) NOT IN ('BG', 'GB', 'NK', 'KN', 'NT', 'TN', 'ZZ'))
            AS is_nino,
        -- US social security number (SSA rules: no 000/666/9xx area, 00 group, 0000 serial)
        (regexp_full_match(v, '[0-9]{3}-[0-9]{2}-[0-9]{4}')
            AND substr(v, 1, 3) NOT IN ('000', '666') AND substr(v, 1, 1) <> '9'
            AND substr(v, 5, 2) <> '00' AND substr(v, 8, 4) <> '0000')
            AS is_ssn,
        -- UK driving licence (DVLA): surname(5, 9-padded) decade month(+50) day year initials digit check
        (regexp_full_match(upper(v), '(?:[A-Z]{5}|[A-Z]{4}9|[A-Z]{3}99|[A-Z]{2}999|[A-Z]9999)[0-9](?:[05][1-9]|[16][0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9][A-Z9]{2}[0-9][A-Z]{2}'))
            AS is_driving_licence,
        -- UK passport number shape (only counted where the name says passport)
        regexp_full_match(upper(v), '[A-Z]{2}[0-9]{7}') AS is_passport_shape,
        -- UK postcode (Royal Mail letter rules)
        regexp_full_match(upper(v), 'GIR ?0AA|[A-PR-UWYZ](?:[0-9][A-HJKPSTUW0-9]?|[A-HK-Y][0-9][ABEHMNPRVWXY0-9]?) ?[0-9][ABD-HJLNP-UW-Z]{2}')
            AS is_postcode,
        as_date IS NOT NULL AS is_date,
        -- a date that implies an age of 16 to 100 on the reference date
        (as_date BETWEEN CAST($1 AS DATE) - INTERVAL 100 YEAR AND CAST($1 AS DATE) - INTERVAL 16 YEAR)
            AS is_birthlike,
        -- phone prefilter: digits with phone punctuation, 7-15 digits; bare
        -- digit strings need 10+ digits (not counts, money or company numbers)
        (regexp_full_match(v, '(?:\+|00)?[0-9(][0-9 ()./-]{5,22}[0-9](?: ?(?:x|ext\.?) ?[0-9]{1,5})?')
            AND length(digits) BETWEEN 7 AND 15
            AND (NOT regexp_full_match(v, '[0-9]+') OR length(digits) >= 10))
            AS is_phone_candidate,
        -- Art. 9 vocabulary in free text (health, religion, ethnicity,
        -- politics, trade unions, sex life / orientation, biometrics,
        -- genetics). Words chosen not to fire on company descriptions such
        -- as "Hospital & Health Care" or "Religious Institutions".
        regexp_matches(lower(v), '\b(?:diabet(?:es|ic)|cancer|asthma|epilep(?:sy|tic)|hiv|depression|bipolar|schizophreni[ac]|dementia|alzheimer''?s|autis(?:m|tic)|adhd|pregnan(?:t|cy)|miscarriage|chemotherapy|disabilit(?:y|ies)|disabled|wheelchair|diagnos(?:ed|is)|medication|prescriptions?|illness|sick leave|mental health|hospitali[sz]ed|deaf|allerg(?:y|ies|ic)|medical condition|health condition|covid|muslim|islam(?:ic)?|christianity|catholic|protestant|jewish|judaism|hindu(?:ism)?|sikh(?:ism)?|buddhis[mt]|atheist|agnostic|mosque|synagogue|religion|halal|kosher|ethnicity|ethnic origin|mixed race|black british|white british|asian british|caucasian|hispanic|latin[oa]|political (?:views|opinions?|party|affiliation)|labour party|conservative party|liberal democrats?|green party|ukip|reform uk|democrat|republican|trade union|union member(?:ship)?|unison|gay|lesbian|bisexual|homosexual|heterosexual|transgender|queer|lgbt\w*|sexual orientation|sex life|fingerprints?|biometric|retina scan|iris scan|facial recognition|genetic|dna)\b')
            AS is_special_term
    FROM n
)
SELECT col,
    count(*) AS n,
    count(*) FILTER (WHERE is_email) AS email,
    count(*) FILTER (WHERE is_profile) AS profile,
    count(*) FILTER (WHERE is_company_page) AS company_page,
    count(*) FILTER (WHERE (is_url OR is_domain) AND NOT is_profile AND NOT is_company_page AND NOT is_email) AS url,
    count(*) FILTER (WHERE is_ipv4 OR is_ipv6) AS ip,
    count(*) FILTER (WHERE is_mac) AS mac,
    count(*) FILTER (WHERE is_iban) AS iban,
    count(*) FILTER (WHERE is_card) AS card,
    count(*) FILTER (WHERE is_nhs) AS nhs,
    count(*) FILTER (WHERE is_nino) AS nino,
    count(*) FILTER (WHERE is_driving_licence) AS driving_licence,
    count(*) FILTER (WHERE is_ssn) AS ssn,
    count(*) FILTER (WHERE is_passport_shape) AS passport,
    count(*) FILTER (WHERE is_postcode) AS postcode,
    count(*) FILTER (WHERE is_date) AS date,
    count(*) FILTER (WHERE is_birthlike) AS birthlike,
    count(*) FILTER (WHERE is_special_term) AS special_term,
    list(v) FILTER (WHERE is_phone_candidate AND NOT is_date AND NOT is_ipv4 AND NOT is_card AND NOT is_nhs AND NOT is_ssn) AS phone_candidates
FROM f
GROUP BY col
ORDER BY col
