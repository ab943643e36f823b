package engine

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

// TestProgressProbe: while a long statement runs on a connection, the
// probe sees DuckDB's row count grow (the test waits for it, then
// cancels the statement).
func TestProgressProbe(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, Settings{Path: filepath.Join(t.TempDir(), "w.duckdb"), Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	probe, err := NewProgressProbe(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	csv := filepath.Join(t.TempDir(), "big.csv")
	if _, err := c.ExecContext(ctx, "COPY (SELECT i, 'row ' || i AS s FROM range(3000000) t(i)) TO '"+csv+"' (HEADER)"); err != nil {
		t.Fatal(err)
	}
	if p := probe(); p.Rows != 0 {
		t.Fatalf("no statement running: got %+v", p)
	}
	qctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		// seconds long: the test cancels it once the probe saw rows
		_, err := c.ExecContext(qctx, "SELECT count(DISTINCT s) FROM read_csv('"+csv+"')")
		done <- err
	}()
	for {
		p := probe()
		if p.Rows > 0 {
			if p.Total == 0 || p.Percent < 0 || p.Percent > 100 {
				t.Errorf("rows read but total %d, percent %v", p.Total, p.Percent)
			}
			t.Logf("seen: %+v", p)
			break
		}
		select {
		case err := <-done:
			t.Fatalf("statement ended (%v) before the probe saw a row", err)
		case <-time.After(time.Millisecond): // poll again
		}
	}
	cancel()
	<-done
}
