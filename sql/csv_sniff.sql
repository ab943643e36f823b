-- the CSV dialect DuckDB sniffs from a file (a 4 MiB buffer; the options the source gives are kept)
SELECT Delimiter, Quote, Escape, NewLineDelimiter, Comment, SkipRows, HasHeader FROM sniff_csv($path, ignore_errors = true, buffer_size = 4194304{{template "csv_args.sql" .}})
