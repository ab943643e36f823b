SELECT count(*) FROM suppression WHERE source = $1
