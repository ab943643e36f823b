-- Parse (never run) a targeting predicate: DuckDB's own parser turns the
-- statement "SELECT * FROM companies_n WHERE (<predicate>)", given as a
-- bound string, into JSON that pipeline/predicate walks against its
-- allow-list.
SELECT json_serialize_sql(?::VARCHAR)::VARCHAR;
