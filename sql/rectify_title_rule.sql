-- rectify: one row of sql/title_rules.csv.
-- $field, $value, $priority, $pattern
INSERT INTO title_rules VALUES ($field, $value, CAST($priority AS INTEGER), $pattern);
