package engine

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"unsafe"

	duckdb "github.com/duckdb/duckdb-go/v2"
	"github.com/duckdb/duckdb-go/v2/mapping"
)

// QueryProgress is DuckDB's estimate of the statement running on one
// connection: Rows is how many input rows it has read, Total how many it
// will read (0 when unknown), Percent how far it is (-1 when DuckDB
// cannot tell, as between statements).
type QueryProgress struct {
	Rows    uint64
	Total   uint64
	Percent float64
}

// ProgressProbe reads the progress of the statement running on the
// connection it was made for. It may be called from any goroutine while
// that statement runs (DuckDB reads the figures without a lock), but only
// until the connection is closed: the caller stops polling first.
type ProgressProbe func() QueryProgress

// ErrNoProgress means the driver's connection did not have the shape the
// probe reads; the run goes on without DuckDB's progress figures.
var ErrNoProgress = errors.New("engine: query progress not available from the driver")

// NewProgressProbe turns DuckDB's progress tracking on for c (no bar is
// printed; see TrackProgress) and returns a probe of the statement
// running on it.
func NewProgressProbe(ctx context.Context, c *sql.Conn) (ProgressProbe, error) {
	if err := TrackProgress(ctx, c); err != nil {
		return nil, err
	}
	return ProgressProbeOf(c)
}

// TrackProgress turns DuckDB's progress tracking on for c, from its next
// statement on. DuckDB then works out every running statement's progress
// after each task it runs, tracked or not read: a run turns it on only
// once its progress display first asks (flow/watch.go).
func TrackProgress(ctx context.Context, c *sql.Conn) error {
	if _, err := c.ExecContext(ctx, MustRender("progress_on", nil)); err != nil {
		return fmt.Errorf("query progress: %w", err)
	}
	return nil
}

// ProgressProbeOf returns a probe of the statement running on c; it
// reads zero rows and percent -1 until TrackProgress. The duckdb-go
// driver does not export its connection handle, so the probe reads it
// from the driver connection's `conn` field (checked by type): when a
// driver version changes that, ErrNoProgress, never a crash.
func ProgressProbeOf(c *sql.Conn) (ProgressProbe, error) {
	var handle mapping.Connection
	err := c.Raw(func(dc any) error {
		d, ok := dc.(*duckdb.Conn)
		if !ok {
			return ErrNoProgress
		}
		f := reflect.ValueOf(d).Elem().FieldByName("conn")
		if !f.IsValid() || f.Type() != reflect.TypeOf(mapping.Connection{}) {
			return ErrNoProgress
		}
		handle = *(*mapping.Connection)(unsafe.Pointer(f.UnsafeAddr()))
		if handle.Ptr == nil {
			return ErrNoProgress
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return func() QueryProgress {
		p := mapping.QueryProgress(handle)
		pct, rows, total := mapping.QueryProgressTypeMembers(&p)
		return QueryProgress{Rows: rows, Total: total, Percent: pct}
	}, nil
}
