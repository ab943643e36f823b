SELECT count(*) FROM {{q .}}
