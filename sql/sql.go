// Package sql holds the stage, SAR and erasure SQL as embedded files, so a
// reviewer or a DPO can read exactly what a run executes. Templates use
// text/template with one function, q, which quotes identifiers; values
// are always bound parameters.
package sql

import "embed"

// FS holds every .sql template and the rule tables (.csv).
//
//go:embed *.sql *.csv
var FS embed.FS
