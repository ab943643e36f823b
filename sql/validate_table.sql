-- an empty stand-in for a raw table, so that validate can plan the SQL that reads it
CREATE TEMP TABLE {{q .Table}} ({{range .Columns}}{{q .}} VARCHAR, {{end}}_source VARCHAR, _run_id VARCHAR, _loaded_at TIMESTAMP, _bucket INTEGER, _email_sub USMALLINT);
