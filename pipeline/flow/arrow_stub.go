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

func queryArrow(context.Context, *sqlConn, string, ...any) (connectors.RecordReader, error) {
	return nil, errors.New("streaming sinks need a build with -tags duckdb_arrow (make build does this)")
}
