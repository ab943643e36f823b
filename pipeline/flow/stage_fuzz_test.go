package flow

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/connect"
	"github.com/example/pipeline/pipeline/csvread"
	"github.com/example/pipeline/pipeline/engine"
	"github.com/example/pipeline/pipeline/warehouse"
)

// FuzzStageCSV writes the fuzzer's bytes to a CSV file and stages it
// through the real path (the csv connector, csvread, stage_table.sql and
// the rejects SQL) into a DuckDB warehouse. Properties: no panic; the
// rejects hold each physical line at most once, at a line the file has;
// no error carries a data line's content; and for a file without quote
// or escape characters, of more than one column, every non-empty line
// after the header is either a row or exactly one reject.
// The seed corpus is testdata/fuzz/FuzzStageCSV.
func FuzzStageCSV(f *testing.F) {
	f.Add([]byte("domain,name\nexample.com,Example\n"))
	f.Add([]byte("a,b,c\r\n1,2,3\n4,5\n6,7,8,9\n\"10,11,12\n13,14,15\n"))
	f.Add([]byte("a,b\n1,2\nN\x00L,x\n\n3,4\r\n"))
	f.Add([]byte("a;b;c\n1;2;3\n4;5;6;7\n"))
	f.Add([]byte("\xef\xbb\xbfa,a,\n1,2,3\n\xff\xfe,x,y\n"))
	ctx := context.Background()
	db, err := engine.Open(ctx, engine.Settings{Threads: 1})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { db.Close() })
	if err := warehouse.EnsureSchema(ctx, db); err != nil {
		f.Fatal(err)
	}
	var n atomic.Int64
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		path := filepath.Join(dir, "in.csv")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		src := &config.Source{Name: "s", Role: config.RoleCompanies, Connector: "csv", Options: map[string]any{"path": path}}
		cfg := &config.Config{Warehouse: filepath.Join(dir, "w.duckdb"), Sources: map[string]*config.Source{"s": src},
			SourceOrder: []string{"s"}, Limits: config.Limits{MaxRejectRate: 1}}
		cfg.Engine.TempDirectory = filepath.Join(dir, "tmp")
		rn := &run{Runner: &Runner{Config: cfg, Connectors: connect.InProcess{}, Log: zerolog.Nop()},
			id: fmt.Sprintf("fuzz-%d", n.Add(1)), started: time.Now(), db: db, report: &Report{}, sources: map[string]*sourceInfo{}}
		c, err := db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		row, err := rn.stageSource(ctx, c, 0, "s", src, false)
		lines := bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n"))
		if err != nil {
			for i, l := range lines {
				if i > 0 && len(bytes.TrimSpace(l)) >= 16 && bytes.Contains([]byte(err.Error()), bytes.TrimSpace(l)) {
					t.Fatalf("error carries line %d: %v", i+1, err)
				}
			}
			var fe *csvread.FileError
			var le *csvread.LineError
			var me mapError
			if !errors.As(err, &fe) && !errors.As(err, &le) && !errors.As(err, &me) {
				t.Fatalf("error is neither the file's nor the header's: %v", err)
			}
			return
		}
		rejected := checkRejectLines(t, ctx, c, rn.id, int64(len(lines)))
		if rejected != row.Rejected {
			t.Fatalf("report says %d rejected, table has %d", row.Rejected, rejected)
		}
		if want, ok := plainRecords(t, ctx, db, path, data, lines); ok && row.RowsOut+row.Rejected != want {
			t.Fatalf("%d rows + %d rejects, want %d lines", row.RowsOut, row.Rejected, want)
		}
	})
}

// checkRejectLines checks that a run's rejects name each line once, within
// the file's lines, and returns their count.
func checkRejectLines(t *testing.T, ctx context.Context, c *sqlConn, runID string, lines int64) int64 {
	t.Helper()
	var n, distinct, lo, hi int64
	err := c.QueryRowContext(ctx, "SELECT count(*), count(DISTINCT line), coalesce(min(line), 1), coalesce(max(line), 1) FROM rejects WHERE run_id = $1",
		runID).Scan(&n, &distinct, &lo, &hi)
	if err != nil {
		t.Fatal(err)
	}
	if n != distinct {
		t.Fatalf("%d rejects for %d lines: a line rejected twice", n, distinct)
	}
	if lo < 1 || hi > lines+1 {
		t.Fatalf("reject lines %d..%d outside the file's %d lines", lo, hi, lines)
	}
	return n
}

// plainRecords is the number of records of a file in which every
// non-empty physical line after the header is one (ok false when that
// cannot be told: quote or escape characters, one column, no header).
func plainRecords(t *testing.T, ctx context.Context, db *engine.DB, path string, data []byte, lines [][]byte) (int64, bool) {
	t.Helper()
	if bytes.ContainsAny(data, "\"'\\\r") {
		return 0, false
	}
	c, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	f, err := csvread.Prepare(ctx, c, path, nil, "")
	if err != nil {
		return 0, false
	}
	defer f.Close()
	if len(f.Names) < 2 || !f.Dialect.Header {
		return 0, false
	}
	var n int64
	for _, l := range lines[1:] {
		if len(l) > 0 {
			n++
		}
	}
	return n, true
}
