INSERT INTO title_rules VALUES ($1, $2, $3, $4)
