// Package sql holds every SQL statement the product runs on DuckDB as
// embedded files (the run's stages, the warehouse's schema and upkeep,
// SAR, erasure, suppression, classification under classify/), so a
// reviewer or a DPO can read exactly what a run executes. Templates use
// text/template with typed functions (q or ident quotes an identifier,
// path writes a literal of a path the pipeline built, scan renders what a
// statement reads from an engine.Scan through scan.sql, table, kv, codec,
// ints and param print a typed value or refuse it; see
// pipeline/engine/render.go); values are always bound parameters, and Go
// never passes a template SQL text to splice. Go code renders them
// through pipeline/engine (Render, SQL, ExecScript).
package sql

import "embed"

// FS holds every .sql template and the rule tables (.csv).
//
//go:embed *.sql *.csv classify/*.sql
var FS embed.FS
