-- Keep DuckDB's query progress (rows read, percent of the input read)
-- current on this connection for the run's progress display, without
-- DuckDB printing its own bar on stdout.
SET enable_progress_bar = true;
SET enable_progress_bar_print = false;
SET progress_bar_time = 0;
