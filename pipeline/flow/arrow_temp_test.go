//go:build duckdb_arrow

package flow

import (
	"context"
	"io"
	"path/filepath"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/example/pipeline/connectors/sdk"
	"github.com/example/pipeline/pipeline/engine"
)

// TestArrowViewIsTemp: an Arrow stream's view lives in the temp catalog
// only; nothing of it is left in the warehouse file after the transaction
// that used it commits (a persistent view over a released stream crashed
// the next reader).
func TestArrowViewIsTemp(t *testing.T) {
	ctx := context.Background()
	wh := filepath.Join(t.TempDir(), "w.duckdb")
	db, err := engine.Open(ctx, engine.Settings{Path: wh})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	schema := arrow.NewSchema([]arrow.Field{{Name: "x", Type: arrow.BinaryTypes.String}}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	b.Field(0).(*array.StringBuilder).Append("a")
	rec := b.NewRecordBatch()
	sent := false
	rr := &sdk.FuncReader{S: schema, NextFn: func(context.Context) (arrow.RecordBatch, error) {
		if sent {
			return nil, io.EOF
		}
		sent = true
		return rec, nil
	}}
	if _, err := c.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		t.Fatal(err)
	}
	release, err := registerArrow(ctx, c, "_arrow_0", rr)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := c.QueryRowContext(ctx, `SELECT count(*) FROM "_arrow_0"`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("count = %d, %v", n, err)
	}
	release()
	if _, err := c.ExecContext(ctx, "COMMIT"); err != nil {
		t.Fatal(err)
	}
	var views int
	if err := c.QueryRowContext(ctx, "SELECT count(*) FROM duckdb_views() WHERE NOT temporary AND NOT internal").Scan(&views); err != nil {
		t.Fatal(err)
	}
	if views != 0 {
		t.Errorf("%d persistent views left in the warehouse; want 0", views)
	}
}
