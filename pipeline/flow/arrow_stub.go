//go:build !duckdb_arrow

package flow

import (
	"context"
	"errors"

	"github.com/example/pipeline/connectors"
)

func registerArrow(context.Context, *sqlConn, string, connectors.RecordReader) (func(), error) {
	return nil, errors.New("streaming sources need a build with -tags duckdb_arrow (make build does this)")
}
