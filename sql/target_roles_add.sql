-- a target role; seniority NULL: any
INSERT INTO target_roles VALUES ($1, $2)
