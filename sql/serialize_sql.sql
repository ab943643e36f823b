-- Parse (never run) one SQL text given as a bound string: DuckDB's own
-- parser returns its syntax tree as JSON, or an error object (a statement
-- other than SELECT cannot be serialised). Used to check a targeting
-- predicate (pipeline/predicate) and that `pipeline query` holds one
-- SELECT before anything is bound (pipeline/engine/sandbox.go).
SELECT json_serialize_sql(?::VARCHAR)::VARCHAR;
