// Package warehouse owns the pipeline's DuckDB warehouse as a place on
// disk: opening it for one access mode (Open: the lock, the engine
// settings built from pipeline.yaml, the schema), its own tables
// (EnsureSchema), the raw-file layout beside it (RawLayout) and
// the journals that make a run one unit with its exports.
//
// Every command that touches a warehouse holds its lock (an flock on
// <warehouse>.lock) for as long as it has it open; functions here that
// take a *sql.Conn assume the caller does.
//
// Callers: flow (the run), rights and suppress (privacy commands) and
// cmd/pipeline. This package imports neither of them.
package warehouse
