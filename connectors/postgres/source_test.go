package postgres

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/example/pipeline/connectors"
)

func TestSourceValidate(t *testing.T) {
	dsn := "postgres://u:pw@127.0.0.1:5432/db"
	tests := []struct {
		name string
		give connectors.Options
		want string // "" = valid; else a substring of the error
	}{
		{"table", connectors.Options{"dsn": dsn, "table": "crm.people"}, ""},
		{"query", connectors.Options{"dsn": dsn, "query": "SELECT 1", "batch_size": float64(10)}, ""},
		{"no dsn", connectors.Options{"table": "t"}, `"dsn": required`},
		{"both", connectors.Options{"dsn": dsn, "table": "t", "query": "SELECT 1"}, "not both"},
		{"neither", connectors.Options{"dsn": dsn}, "one of query or table"},
		{"bad batch", connectors.Options{"dsn": dsn, "table": "t", "batch_size": 0}, "batch_size"},
		{"bad table", connectors.Options{"dsn": dsn, "table": "a.b.c"}, "schema.table"},
		{"bad dsn", connectors.Options{"dsn": "postgres://u:pw@[::1", "table": "t"}, "cannot parse"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := NewSource().Validate(context.Background(), tt.give)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if err == nil || !errors.Is(err, connectors.ErrBadOptions) || !contains(err.Error(), tt.want) {
				t.Fatalf("Validate = %v, want ErrBadOptions containing %q", err, tt.want)
			}
			if contains(err.Error(), "pw") {
				t.Fatalf("error leaks the password: %v", err)
			}
		})
	}
}

func TestSourceTableTypes(t *testing.T) {
	db := newTestDB(t)
	tbl := db.schema + ".people"
	db.exec(t, `CREATE TABLE `+tbl+` (
		name text, code varchar(8), c char(3), i2 int2, i4 int4, i8 int8, f4 float4, f8 float8,
		amount numeric(10,2), ok bool, born date, seen timestamp, seen_tz timestamptz,
		id uuid, doc json, docb jsonb, span interval, tags text[])`)
	db.exec(t, `INSERT INTO `+tbl+` VALUES
		('Ann', 'A1', 'abc', -2, 40000, 9000000000, 1.5, 2.25, 12.34, true, '2001-02-03',
		 '2026-01-02 03:04:05.123456', '2026-01-02 03:04:05+02', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
		 '{"a": 1}', '{"b": 2}', '1 day', '{x,y}'),
		(NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
		('Zoë', 'Z', 'z', 1, 2, 3, 4, 5, 6, false, '1969-12-31', '1970-01-01', 'infinity', NULL, '[]', 'null', NULL, '{}')`)

	scan, err := NewSource().Scan(context.Background(), connectors.ScanRequest{Source: "crm",
		Options: connectors.Options{"dsn": db.dsn, "table": tbl, "batch_size": 2}})
	if err != nil {
		t.Fatal(err)
	}
	defer scan.Records.Close()
	wantTypes := map[string]arrow.DataType{
		"name": arrow.BinaryTypes.String, "code": arrow.BinaryTypes.String, "c": arrow.BinaryTypes.String,
		"i2": arrow.PrimitiveTypes.Int64, "i4": arrow.PrimitiveTypes.Int64, "i8": arrow.PrimitiveTypes.Int64,
		"f4": arrow.PrimitiveTypes.Float64, "f8": arrow.PrimitiveTypes.Float64,
		"amount": arrow.BinaryTypes.String, "ok": arrow.FixedWidthTypes.Boolean,
		"born": arrow.FixedWidthTypes.Date32, "seen": timestampType, "seen_tz": timestampType,
		"id": arrow.BinaryTypes.String, "doc": arrow.BinaryTypes.String, "docb": arrow.BinaryTypes.String,
		"span": arrow.BinaryTypes.String, "tags": arrow.BinaryTypes.String,
	}
	schema := scan.Records.Schema()
	if schema.NumFields() != len(wantTypes) {
		t.Fatalf("schema has %d fields, want %d", schema.NumFields(), len(wantTypes))
	}
	for _, f := range schema.Fields() {
		if !arrow.TypeEqual(f.Type, wantTypes[f.Name]) {
			t.Errorf("column %s: type %s, want %s", f.Name, f.Type, wantTypes[f.Name])
		}
	}

	batches := readAll(t, scan.Records)
	defer func() {
		for _, b := range batches {
			b.Release()
		}
	}()
	if len(batches) != 2 || batches[0].NumRows() != 2 || batches[1].NumRows() != 1 {
		t.Fatalf("got %d batches, want 2+1 rows", len(batches))
	}
	b := batches[0]
	col := func(name string) arrow.Array {
		idx := b.Schema().FieldIndices(name)
		return b.Column(idx[0])
	}
	checks := []struct {
		col  string
		want string
	}{
		{"name", "Ann"}, {"code", "A1"}, {"c", "abc"}, {"i2", "-2"}, {"i4", "40000"}, {"i8", "9000000000"},
		{"f4", "1.5"}, {"f8", "2.25"}, {"amount", "12.34"}, {"ok", "true"}, {"born", "2001-02-03"},
		{"id", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"}, {"doc", `{"a": 1}`}, {"docb", `{"b": 2}`},
		{"span", "1 day"}, {"tags", "{x,y}"},
	}
	for _, c := range checks {
		if got := col(c.col).ValueStr(0); got != c.want {
			t.Errorf("%s = %q, want %q", c.col, got, c.want)
		}
		if !col(c.col).IsNull(1) {
			t.Errorf("%s row 2 should be null", c.col)
		}
	}
	seen := col("seen").(*array.Timestamp).Value(0).ToTime(arrow.Microsecond)
	if want := time.Date(2026, 1, 2, 3, 4, 5, 123456000, time.UTC); !seen.Equal(want) {
		t.Errorf("seen = %v, want %v", seen, want)
	}
	seenTZ := col("seen_tz").(*array.Timestamp).Value(0).ToTime(arrow.Microsecond)
	if want := time.Date(2026, 1, 2, 1, 4, 5, 0, time.UTC); !seenTZ.Equal(want) {
		t.Errorf("seen_tz = %v, want %v", seenTZ, want)
	}
	b2 := batches[1]
	if got := b2.Column(0).ValueStr(0); got != "Zoë" {
		t.Errorf("name = %q", got)
	}
	if got := b2.Column(10).ValueStr(0); got != "1969-12-31" {
		t.Errorf("born before 1970 = %q", got)
	}
	if !b2.Column(12).IsNull(0) {
		t.Errorf("timestamptz 'infinity' should be null")
	}
}

func TestSourceQueryBatches(t *testing.T) {
	db := newTestDB(t)
	scan, err := NewSource().Scan(context.Background(), connectors.ScanRequest{Source: "q",
		Options: connectors.Options{"dsn": db.dsn, "batch_size": 4096,
			"query": "SELECT g AS n, g AS n, 'row ' || g AS label FROM generate_series(1, 10000) g"}})
	if err != nil {
		t.Fatal(err)
	}
	defer scan.Records.Close()
	if got := scan.Records.Schema().Field(1).Name; got != "n_2" {
		t.Errorf("duplicate column renamed to %q, want n_2", got)
	}
	batches := readAll(t, scan.Records)
	var rows, sum int64
	var sizes []int64
	for _, b := range batches {
		rows += b.NumRows()
		sizes = append(sizes, b.NumRows())
		for _, v := range b.Column(0).(*array.Int64).Int64Values() {
			sum += v
		}
		b.Release()
	}
	if rows != 10000 || sum != 10000*10001/2 {
		t.Fatalf("rows=%d sum=%d", rows, sum)
	}
	if len(sizes) != 3 || sizes[0] != 4096 || sizes[2] != 10000-2*4096 {
		t.Fatalf("batch sizes %v", sizes)
	}
	// A drained reader keeps answering EOF; Close is idempotent.
	if _, err := scan.Records.Next(context.Background()); err == nil {
		t.Fatal("Next after EOF: want io.EOF")
	}
	if err := scan.Records.Close(); err != nil {
		t.Fatal(err)
	}
	if err := scan.Records.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestSourceQueryErrors(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	for _, q := range []string{"SELECT * FROM no_such_table", "SELECT $1::int", "CREATE TABLE x (a int)"} {
		scan, err := NewSource().Scan(ctx, connectors.ScanRequest{Source: "bad",
			Options: connectors.Options{"dsn": db.dsn, "query": q}})
		if err == nil {
			scan.Records.Close()
			t.Errorf("%s: want error", q)
			continue
		}
		t.Logf("%s: %v", q, err)
	}
	// A write through the source's read-only transaction is refused.
	scan, err := NewSource().Scan(ctx, connectors.ScanRequest{Source: "rw",
		Options: connectors.Options{"dsn": db.dsn, "query": "SELECT nextval('" + db.schema + ".seq')"}})
	if err == nil {
		defer scan.Records.Close()
		_, err = scan.Records.Next(ctx)
	}
	if err == nil {
		t.Fatal("want an error from a write in the read-only scan")
	}
}

// queryGoneWithin bounds waitQueryGone. The queries it waits for sleep
// far longer on the server (slowQuerySeconds), so a query that was not
// cancelled is still there when the bound is reached: a hang detector,
// not a speed test.
const (
	queryGoneWithin  = 2 * time.Minute
	slowQuerySeconds = "3600"
)

// waitQueryGone waits until no active backend runs a query holding marker.
func waitQueryGone(t *testing.T, db *testDB, marker string) {
	t.Helper()
	deadline := time.Now().Add(queryGoneWithin)
	for {
		var n int
		err := db.conn.QueryRow(context.Background(),
			"SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%'||$1||'%' AND pid <> pg_backend_pid() AND state = 'active'",
			marker).Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("query still running on the server after cancel")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestSourceCancelInNext: cancelling the ctx of Next stops a query that
// is producing rows slowly, on the server too.
func TestSourceCancelInNext(t *testing.T) {
	db := newTestDB(t)
	marker := "cancel_next_" + db.schema
	scan, err := NewSource().Scan(context.Background(), connectors.ScanRequest{Source: "slow",
		// The server flushes its output only when its buffer fills: of ten
		// wide rows at least the first five reach the client, then the
		// eleventh takes an hour.
		Options: connectors.Options{"dsn": db.dsn, "batch_size": 5,
			"query": "SELECT g, repeat('x', 100000) AS pad, '" + marker + "' AS m, " +
				"CASE WHEN g > 10 THEN pg_sleep(" + slowQuerySeconds + ") END AS slow FROM (SELECT generate_series(1, 11) AS g) s"}})
	if err != nil {
		t.Fatal(err)
	}
	defer scan.Records.Close()
	b, err := scan.Records.Next(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	b.Release()
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	for err == nil { // the rows already sent arrive; the slow one does not
		if b, err = scan.Records.Next(ctx); err == nil {
			b.Release()
		}
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Next = %v, want context.DeadlineExceeded", err)
	}
	waitQueryGone(t, db, marker)
}

// TestSourceCancelInScan: a query slow to give its first row is cancelled
// with the ctx of Scan.
func TestSourceCancelInScan(t *testing.T) {
	db := newTestDB(t)
	marker := "cancel_scan_" + db.schema
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	scan, err := NewSource().Scan(ctx, connectors.ScanRequest{Source: "slow",
		Options: connectors.Options{"dsn": db.dsn, "query": "SELECT '" + marker + "', pg_sleep(" + slowQuerySeconds + ")"}})
	if err == nil {
		scan.Records.Close()
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Scan = %v, want context.DeadlineExceeded", err)
	}
	waitQueryGone(t, db, marker)
}

// TestSourceCloseEarly: closing a half-read scan cancels its query; it
// does not drain the rows. The query would stream rows for ever, so a
// Close that drained would never return.
func TestSourceCloseEarly(t *testing.T) {
	db := newTestDB(t)
	marker := "close_early_" + db.schema
	scan, err := NewSource().Scan(context.Background(), connectors.ScanRequest{Source: "big",
		Options: connectors.Options{"dsn": db.dsn, "batch_size": 100,
			// streams, unlike FROM generate_series; 2^62 rows never end
			"query": "SELECT generate_series(1, 4611686018427387904) AS g, '" + marker + "' AS m"}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := scan.Records.Next(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	b.Release()
	closed := make(chan error, 1)
	go func() { closed <- scan.Records.Close() }()
	select {
	case err := <-closed:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(queryGoneWithin):
		t.Fatal("Close of a half-read endless scan never returned (draining instead of cancelling?)")
	}
	waitQueryGone(t, db, marker)
}
