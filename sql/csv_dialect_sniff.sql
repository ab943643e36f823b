-- csvread: the dialect DuckDB's sniffer finds on a sample of a file, the
-- declared options (csv_args.sql, bound) fixed; the sample is read from a
-- 4 MiB buffer (the sniffer looks at the first 20k rows of it)
SELECT Delimiter, Quote, Escape, HasHeader FROM sniff_csv($path, ignore_errors = true, buffer_size = 4194304{{template "csv_args.sql" .}})
