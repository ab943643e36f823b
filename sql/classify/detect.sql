-- detect.sql: value detectors over a sample in long form (col, v).
-- .Sample is sample.sql's data (or, in tests, .Table a table of col, v).
-- Parameter $1 is the reference date (DATE) used for the age window of
-- dates of birth; $2 the special-category vocabulary (special_lexicon.txt). One output row per column: the number of non-empty
-- sampled values and, per detector, how many of them match. Phone numbers
-- are only prefiltered here; the sampled candidates are returned (each
-- distinct value with its count k) so that Go can check them with
-- libphonenumber.
--
-- Cost: detection runs on every dataset a run writes, so it is kept cheap.
-- Each distinct (column, value) is tested once and counted k times (a
-- sample's countries, titles, domains and provenance columns repeat), and
-- every regular expression sits behind a test it implies (a length, an
-- '@', a '.', the first character) inside a CASE, which DuckDB evaluates
-- only for the rows that pass: most values fail all but two or three.
WITH src AS (
    {{if .Sample}}{{template "classify/sample.sql" .Sample}}{{else}}SELECT col, v FROM {{q .Table}}{{end}}
),
s AS (
    SELECT col, trim(v, ' "''' || chr(9) || chr(10) || chr(13)) AS v, count(*) AS k
    FROM src
    WHERE v IS NOT NULL
    GROUP BY 1, 2
),
n AS (
    SELECT col, v, k, length(v) AS len,
        upper(replace(replace(v, ' ', ''), '-', '')) AS compact,
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
    SELECT col, v, k, len, as_date,
        -- email: local@domain.tld, IDN (xn--) top-level domains allowed
        CASE WHEN contains(v, '@') AND regexp_full_match(v, '[A-Za-z0-9._%+''-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{2,59})')
            THEN true ELSE false END AS is_email,
        -- an email address inside longer text (a rejected raw line, a note)
        CASE WHEN contains(v, '@') AND regexp_matches(v, '[A-Za-z0-9._%+''-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,63}')
            THEN true ELSE false END AS has_email,
        -- personal social profile: linkedin /in/, twitter, x, github, facebook, instagram
        CASE WHEN v ILIKE '%.com/%' AND regexp_full_match(v, '(?i)(?:https?://)?(?:[a-z]{2,3}\.)?(?:www\.)?(?:linkedin\.com/(?:in|pub)/[^/?#\s]+|(?:twitter|x|github|facebook|instagram)\.com/[A-Za-z0-9_.-]+)/?(?:[?#]\S*)?')
            THEN true ELSE false END AS is_profile,
        -- company page on a social network: linkedin /company/, /school/, /showcase/
        CASE WHEN v ILIKE '%.com/%' AND regexp_full_match(v, '(?i)(?:https?://)?(?:[a-z]{2,3}\.)?(?:www\.)?linkedin\.com/(?:company|school|showcase)/[^\s]+')
            THEN true ELSE false END AS is_company_page,
        -- URL with a scheme and a dotted host
        CASE WHEN contains(v, '://') AND regexp_full_match(v, '(?i)https?://[^\s/?#:]+\.[^\s/?#:]+(?::\d+)?(?:[/?#]\S*)?')
            THEN true ELSE false END AS is_url,
        -- bare domain (acme.co.uk, www.acme.com/path); "www.x" alone is not one
        CASE WHEN contains(v, '.') AND regexp_full_match(v, '(?i)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{2,59})(?:/\S*)?')
            AND NOT (lower(v) LIKE 'www.%' AND NOT regexp_full_match(substr(v, 5), '(?i)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}(?:/\S*)?'))
            THEN true ELSE false END AS is_domain,
        -- IPv4, optionally with a CIDR prefix length
        CASE WHEN len BETWEEN 7 AND 18 AND contains(v, '.') AND regexp_full_match(v, '(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(?:/(?:3[0-2]|[12]?[0-9]))?')
            THEN true ELSE false END AS is_ipv4,
        -- IPv6 (full, compressed, with embedded IPv4), optional zone and prefix length
        CASE WHEN contains(v, ':') AND regexp_full_match(v, '(?i)(?:(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}|(?:[0-9a-f]{1,4}:){1,7}:|(?:[0-9a-f]{1,4}:){1,6}:[0-9a-f]{1,4}|(?:[0-9a-f]{1,4}:){1,5}(?::[0-9a-f]{1,4}){1,2}|(?:[0-9a-f]{1,4}:){1,4}(?::[0-9a-f]{1,4}){1,3}|(?:[0-9a-f]{1,4}:){1,3}(?::[0-9a-f]{1,4}){1,4}|(?:[0-9a-f]{1,4}:){1,2}(?::[0-9a-f]{1,4}){1,5}|[0-9a-f]{1,4}:(?::[0-9a-f]{1,4}){1,6}|:(?:(?::[0-9a-f]{1,4}){1,7}|:)|(?:[0-9a-f]{1,4}:){6}(?:(?:25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])|(?:(?:[0-9a-f]{1,4}:){1,5}|:):(?:[0-9a-f]{1,4}:){0,4}(?:(?:25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9]))(?:%[0-9a-z]+)?(?:/(?:12[0-8]|1[01][0-9]|[1-9]?[0-9]))?')
            THEN true ELSE false END AS is_ipv6,
        CASE WHEN len IN (14, 17) AND regexp_full_match(v, '(?i)(?:[0-9a-f]{2}:){5}[0-9a-f]{2}|(?:[0-9a-f]{2}-){5}[0-9a-f]{2}|[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}')
            THEN true ELSE false END AS is_mac,
        -- IBAN: country, check digits, BBAN; ISO 7064 mod 97 = 1 over the
        -- rearranged string with letters as 10..35
        -- (upper case, compact or in groups of four split by spaces or dashes)
        (CASE WHEN len BETWEEN 12 AND 43 AND ascii(v) BETWEEN 65 AND 90 AND regexp_full_match(v, '[A-Z]{2}[0-9]{2}(?:[A-Z0-9]{11,30}|(?:[ -]?[A-Z0-9]{4}){2,7}(?:[ -]?[A-Z0-9]{1,3})?)')
            THEN list_reduce(
                list_transform(string_split(substr(compact, 5) || substr(compact, 1, 4), ''),
                    lambda c: CASE WHEN c BETWEEN 'A' AND 'Z' THEN ascii(c) - 55 ELSE ascii(c) - 48 END),
                lambda acc, x: (acc * CASE WHEN x >= 10 THEN 100 ELSE 10 END + x) % 97, 0) = 1
            ELSE false END)
            AS is_iban,
        -- payment card: 13-19 digits, optionally grouped by spaces or dashes,
        -- Luhn; 13 digits starting with 1 are millisecond timestamps
        (CASE WHEN len BETWEEN 13 AND 32 AND ascii(v) BETWEEN 48 AND 57 AND regexp_full_match(v, '[0-9]{4}(?:[ -]?[0-9]{2,6}){2,4}') AND regexp_full_match(compact, '[0-9]{13,19}')
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
        (CASE WHEN len BETWEEN 10 AND 12 AND regexp_full_match(v, '[0-9]{3}[ -]?[0-9]{3}[ -]?[0-9]{4}')
            THEN (11 - list_sum(list_transform(range(1, 10), lambda i: TRY_CAST(substr(compact, i, 1) AS INTEGER) * (11 - i))) % 11) % 11
                = TRY_CAST(substr(compact, 10, 1) AS INTEGER)
            ELSE false END)
            AS is_nhs,
        -- UK National Insurance number (HMRC prefix rules)
        CASE WHEN len BETWEEN 9 AND 13 AND regexp_full_match(upper(v), '[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?[0-9]{2} ?[0-9]{2} ?[0-9]{2} ?[A-D]')
            AND substr(compact, 1, 2) NOT IN ('BG', 'GB', 'NK', 'KN', 'NT', 'TN', 'ZZ')
            THEN true ELSE false END AS is_nino,
        -- US social security number (SSA rules: no 000/666/9xx area, 00 group, 0000 serial)
        CASE WHEN len = 11 AND regexp_full_match(v, '[0-9]{3}-[0-9]{2}-[0-9]{4}')
            AND substr(v, 1, 3) NOT IN ('000', '666') AND substr(v, 1, 1) <> '9'
            AND substr(v, 5, 2) <> '00' AND substr(v, 8, 4) <> '0000'
            THEN true ELSE false END AS is_ssn,
        -- UK driving licence (DVLA): surname(5, 9-padded) decade month(+50) day year initials digit check
        CASE WHEN len = 16 AND regexp_full_match(upper(v), '(?:[A-Z]{5}|[A-Z]{4}9|[A-Z]{3}99|[A-Z]{2}999|[A-Z]9999)[0-9](?:[05][1-9]|[16][0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9][A-Z9]{2}[0-9][A-Z]{2}')
            THEN true ELSE false END AS is_driving_licence,
        -- UK passport number shape (only counted where the name says passport)
        CASE WHEN len = 9 AND regexp_full_match(upper(v), '[A-Z]{2}[0-9]{7}') THEN true ELSE false END AS is_passport_shape,
        -- UK postcode (Royal Mail letter rules)
        CASE WHEN len BETWEEN 5 AND 8 AND regexp_full_match(upper(v), 'GIR ?0AA|[A-PR-UWYZ](?:[0-9][A-HJKPSTUW0-9]?|[A-HK-Y][0-9][ABEHMNPRVWXY0-9]?) ?[0-9][ABD-HJLNP-UW-Z]{2}')
            THEN true ELSE false END AS is_postcode,
        as_date IS NOT NULL AS is_date,
        -- a date that implies an age of 16 to 100 on the reference date
        (as_date BETWEEN CAST($1 AS DATE) - INTERVAL 100 YEAR AND CAST($1 AS DATE) - INTERVAL 16 YEAR)
            AS is_birthlike,
        -- phone prefilter: digits with phone punctuation, 7-15 digits; bare
        -- digit strings need 10+ digits (not counts, money or company numbers)
        CASE WHEN len BETWEEN 7 AND 37 AND regexp_full_match(v, '(?:\+|00)?[0-9(][0-9 ()./-]{5,22}[0-9](?: ?(?:x|ext\.?) ?[0-9]{1,5})?')
            AND length(regexp_replace(v, '[^0-9]', '', 'g')) BETWEEN 7 AND 15
            AND (NOT regexp_full_match(v, '[0-9]+') OR length(regexp_replace(v, '[^0-9]', '', 'g')) >= 10)
            THEN true ELSE false END AS is_phone_candidate,
        -- Art. 9 vocabulary in free text (health, religion or belief,
        -- trade unions, politics, sex life / orientation, ethnic origin,
        -- genetic and biometric data): special_lexicon.txt, one expression
        -- bound as $2 (Lexicon.Pattern)
        regexp_matches(lower(v), $2)
            AS is_special_term
    FROM n
)
SELECT col,
    sum(k)::BIGINT AS n,
    coalesce(sum(k) FILTER (WHERE is_email), 0)::BIGINT AS email,
    coalesce(sum(k) FILTER (WHERE is_profile), 0)::BIGINT AS profile,
    coalesce(sum(k) FILTER (WHERE is_company_page), 0)::BIGINT AS company_page,
    coalesce(sum(k) FILTER (WHERE (is_url OR is_domain) AND NOT is_profile AND NOT is_company_page AND NOT is_email), 0)::BIGINT AS url,
    coalesce(sum(k) FILTER (WHERE is_ipv4 OR is_ipv6), 0)::BIGINT AS ip,
    coalesce(sum(k) FILTER (WHERE is_mac), 0)::BIGINT AS mac,
    coalesce(sum(k) FILTER (WHERE is_iban), 0)::BIGINT AS iban,
    coalesce(sum(k) FILTER (WHERE is_card), 0)::BIGINT AS card,
    coalesce(sum(k) FILTER (WHERE is_nhs), 0)::BIGINT AS nhs,
    coalesce(sum(k) FILTER (WHERE is_nino), 0)::BIGINT AS nino,
    coalesce(sum(k) FILTER (WHERE is_driving_licence), 0)::BIGINT AS driving_licence,
    coalesce(sum(k) FILTER (WHERE is_ssn), 0)::BIGINT AS ssn,
    coalesce(sum(k) FILTER (WHERE is_passport_shape), 0)::BIGINT AS passport,
    coalesce(sum(k) FILTER (WHERE is_postcode), 0)::BIGINT AS postcode,
    coalesce(sum(k) FILTER (WHERE is_date), 0)::BIGINT AS date,
    coalesce(sum(k) FILTER (WHERE is_birthlike), 0)::BIGINT AS birthlike,
    coalesce(sum(k) FILTER (WHERE is_special_term), 0)::BIGINT AS special_term,
    -- free text: sentences (20+ characters with a space) and how many
    -- distinct values the sample holds
    coalesce(sum(k) FILTER (WHERE len >= 20 AND contains(v, ' ')), 0)::BIGINT AS free_text,
    coalesce(sum(k) FILTER (WHERE has_email AND NOT is_email), 0)::BIGINT AS email_inside,
    count(*)::BIGINT AS distinct_values,
    list({'v': v, 'k': k}) FILTER (WHERE is_phone_candidate AND NOT is_date AND NOT is_ipv4 AND NOT is_card AND NOT is_nhs AND NOT is_ssn) AS phone_candidates
FROM f
GROUP BY col
ORDER BY col
