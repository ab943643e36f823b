package flow

import (
	"context"
	"errors"
	"fmt"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/example/pipeline/pipeline/engine"
	"github.com/example/pipeline/pipeline/predicate"
)

// targets builds target_companies with the targeting predicate
// (enrich_targets.sql). The run's connection reads the raw Parquet files
// and the sources, so it cannot run with external access off; instead the
// predicate is checked again here, on that connection and just before it
// is spliced, against pipeline/predicate's allow-list (validation did so
// already): a scalar expression over companies_n's columns built from
// functions that read no file, table or setting. An error evaluating it
// over the company data is reported by kind only: its message could quote
// a value.
func (rn *run) targets(ctx context.Context, c *sqlConn, pred string) error {
	expr, probs, err := predicate.Allowed(ctx, c, pred)
	if err != nil {
		return fmt.Errorf("targeting.companies: %w", err)
	}
	if len(probs) > 0 {
		return fmt.Errorf("targeting.companies: %s (at byte %d of the predicate)", probs[0].Msg, probs[0].Offset)
	}
	if err := rn.exec(ctx, c, "enrich_targets", map[string]any{"Predicate": expr}, nil); err != nil {
		return fmt.Errorf("targeting.companies: %w", scrubPredicateError(err))
	}
	return nil
}

// errPredicateData is an error raised while evaluating the predicate over
// the data; what it says is kept out of messages and logs.
var errPredicateData = errors.New("the predicate failed on the company data (the value is not shown)")

// scrubPredicateError keeps a binder or parser error (it names columns
// and functions of the predicate) and reduces any other DuckDB error,
// such as a conversion error quoting the value that failed, to its kind.
func scrubPredicateError(err error) error {
	var de *duckdb.Error
	if !errors.As(err, &de) {
		return err
	}
	switch de.Type {
	case duckdb.ErrorTypeBinder, duckdb.ErrorTypeParser, duckdb.ErrorTypeCatalog:
		return err
	}
	return fmt.Errorf("%s: %w", engine.ErrorKind(err), errPredicateData)
}
