INSERT INTO company_type_rules VALUES ($1, $2, $3, $4, $5)
