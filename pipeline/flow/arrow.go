//go:build duckdb_arrow

package flow

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/duckdb/duckdb-go/v2"

	"github.com/example/pipeline/connectors"
)

// RegisterArrowView exposes a connector's Arrow stream to DuckDB as a view
// (duckdb-go's Arrow RegisterView): batches go straight from the plugin's
// IPC decoder into DuckDB, never row by row through Go values. The view
// can be read once; the returned func drops the view, releases the stream
// and closes rr.
//
// DuckDB's arrow scan creates a persistent view (in the connection's
// default catalog) over a stream that is gone once released; selecting it
// later crashes the process. Callers register inside a transaction and
// call the returned func before it commits, so the view never reaches the
// warehouse file: it is as transient as a TEMP view (which the arrow scan
// cannot create, and DuckDB refuses USE temp).
func RegisterArrowView(ctx context.Context, c *sqlConn, view string, rr connectors.RecordReader) (func(), error) {
	reader := &arrowReader{ctx: ctx, rr: rr}
	reader.refs.Store(1)
	var release func()
	err := c.Raw(func(dc any) error {
		ar, err := duckdb.NewArrowFromConn(dc.(*duckdb.Conn))
		if err != nil {
			return err
		}
		release, err = ar.RegisterView(reader, view)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("register arrow stream: %w", err)
	}
	return func() {
		_ = execScript(context.WithoutCancel(ctx), c, "arrow_view_drop", map[string]any{"View": view}, nil)
		release()
		_ = rr.Close()
	}, nil
}

func registerArrow(ctx context.Context, c *sqlConn, view string, rr connectors.RecordReader) (func(), error) {
	return RegisterArrowView(ctx, c, view, rr)
}

// arrowReader adapts a ctx-first connectors.RecordReader to arrow's
// array.RecordReader. DuckDB reads the stream once; the first stage query
// consumes it. Errors from the connector surface through Err.
type arrowReader struct {
	ctx  context.Context
	rr   connectors.RecordReader
	cur  arrow.RecordBatch
	err  error
	done bool
	refs atomic.Int64
}

func (a *arrowReader) Retain() { a.refs.Add(1) }
func (a *arrowReader) Release() {
	if a.refs.Add(-1) == 0 && a.cur != nil {
		a.cur.Release()
		a.cur = nil
	}
}
func (a *arrowReader) Schema() *arrow.Schema { return a.rr.Schema() }
func (a *arrowReader) Next() bool {
	if a.cur != nil {
		a.cur.Release()
		a.cur = nil
	}
	if a.done {
		return false
	}
	rec, err := a.rr.Next(a.ctx)
	if err != nil {
		a.done = true
		if !errors.Is(err, io.EOF) {
			a.err = err
		}
		return false
	}
	a.cur = rec
	return true
}
func (a *arrowReader) RecordBatch() arrow.RecordBatch { return a.cur }
func (a *arrowReader) Record() arrow.RecordBatch      { return a.cur }
func (a *arrowReader) Err() error                     { return a.err }

// queryArrow runs a query and streams its result as Arrow batches (for
// streaming sinks), straight from DuckDB's Arrow interface.
func queryArrow(ctx context.Context, c *sqlConn, q string, args ...any) (connectors.RecordReader, error) {
	var rr array.RecordReader
	err := c.Raw(func(dc any) error {
		ar, err := duckdb.NewArrowFromConn(dc.(*duckdb.Conn))
		if err != nil {
			return err
		}
		rr, err = ar.QueryContext(ctx, q, args...)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("arrow query: %w", err)
	}
	return &duckReader{rr: rr}, nil
}

// duckReader adapts arrow's RecordReader to connectors.RecordReader.
type duckReader struct{ rr array.RecordReader }

func (d *duckReader) Schema() *arrow.Schema { return d.rr.Schema() }
func (d *duckReader) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !d.rr.Next() {
		if err := d.rr.Err(); err != nil {
			return nil, err
		}
		return nil, io.EOF
	}
	rec := d.rr.RecordBatch()
	rec.Retain()
	return rec, nil
}
func (d *duckReader) Close() error { d.rr.Release(); return nil }
