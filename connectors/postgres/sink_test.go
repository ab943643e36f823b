package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/example/pipeline/connectors"
)

func TestSinkValidate(t *testing.T) {
	dsn := "postgres://u:pw@127.0.0.1/db"
	tests := []struct {
		name string
		give connectors.Options
		want string
	}{
		{"ok", connectors.Options{"dsn": dsn, "table": "exports.acme"}, ""},
		{"truncate", connectors.Options{"dsn": dsn, "table": `"Exports"."Acme Q1"`, "replace": "truncate"}, ""},
		{"no table", connectors.Options{"dsn": dsn}, `"table": required`},
		{"bad replace", connectors.Options{"dsn": dsn, "table": "t", "replace": "append"}, "replace"},
		{"no dsn", connectors.Options{"table": "t"}, "dsn"},
		{"dsn not string", connectors.Options{"dsn": 5, "table": "t"}, "must be a string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := NewSink().Validate(context.Background(), tt.give)
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, connectors.ErrBadOptions) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Validate = %v, want ErrBadOptions with %q", err, tt.want)
			}
		})
	}
}

func TestParseTable(t *testing.T) {
	tests := []struct {
		give, want, sql string
	}{
		{"people", "people", `"people"`},
		{"CRM.People", "crm.people", `"crm"."people"`},
		{`"My Schema"."Odd.Name"`, "My Schema.Odd.Name", `"My Schema"."Odd.Name"`},
		{`x."a""b"`, `x.a"b`, `"x"."a""b"`},
	}
	for _, tt := range tests {
		got, err := parseTable(tt.give)
		if err != nil {
			t.Fatalf("%s: %v", tt.give, err)
		}
		if got.String() != tt.want || got.sql() != tt.sql {
			t.Errorf("parseTable(%s) = %s / %s, want %s / %s", tt.give, got, got.sql(), tt.want, tt.sql)
		}
	}
	for _, bad := range []string{"", "a.", ".a", `"a`, "a.b.c", `"a"b`} {
		if _, err := parseTable(bad); err == nil {
			t.Errorf("parseTable(%q): want error", bad)
		}
	}
}

func sinkOpts(db *testDB, table string) connectors.Options {
	return connectors.Options{"dsn": db.dsn, "table": db.schema + "." + table}
}

func TestSinkWriteTypesRoundTrip(t *testing.T) {
	db := newTestDB(t)
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "i32", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
		{Name: "i64", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "u64", Type: arrow.PrimitiveTypes.Uint64, Nullable: true},
		{Name: "f64", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "b", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
		{Name: "d", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
		{Name: "ts", Type: timestampType, Nullable: true},
		{Name: "tsn", Type: &arrow.TimestampType{Unit: arrow.Millisecond}, Nullable: true},
		{Name: "dec", Type: &arrow.Decimal128Type{Precision: 10, Scale: 2}, Nullable: true},
		{Name: "bin", Type: arrow.BinaryTypes.Binary, Nullable: true},
		{Name: "list", Type: arrow.ListOf(arrow.PrimitiveTypes.Int64), Nullable: true},
	}, nil)
	rb := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer rb.Release()
	when := time.Date(2026, 3, 4, 5, 6, 7, 123456000, time.UTC)
	rb.Field(0).(*array.StringBuilder).Append("héllo")
	rb.Field(1).(*array.Int32Builder).Append(-7)
	rb.Field(2).(*array.Int64Builder).Append(1 << 40)
	rb.Field(3).(*array.Uint64Builder).Append(1<<64 - 1)
	rb.Field(4).(*array.Float64Builder).Append(2.5)
	rb.Field(5).(*array.BooleanBuilder).Append(true)
	rb.Field(6).(*array.Date32Builder).Append(arrow.Date32FromTime(when))
	rb.Field(7).(*array.TimestampBuilder).Append(arrow.Timestamp(when.UnixMicro()))
	rb.Field(8).(*array.TimestampBuilder).Append(arrow.Timestamp(when.UnixMilli()))
	rb.Field(9).(*array.Decimal128Builder).Append(decimal128.FromI64(-12345))
	rb.Field(10).(*array.BinaryBuilder).Append([]byte{0, 1, 2})
	lb := rb.Field(11).(*array.ListBuilder)
	lb.Append(true)
	lb.ValueBuilder().(*array.Int64Builder).AppendValues([]int64{1, 2}, nil)
	for _, f := range rb.Fields() {
		f.AppendNull()
	}
	r := &sliceReader{schema: schema, batches: []arrow.RecordBatch{rb.NewRecordBatch()}, failAt: -1}
	defer r.Close()

	res, err := NewSink().Write(context.Background(), connectors.WriteRequest{Export: "x", Options: sinkOpts(db, "typed"), Records: r})
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != 2 || res.Location != db.schema+".typed" {
		t.Fatalf("result %+v", res)
	}
	var got string
	err = db.conn.QueryRow(context.Background(), `SELECT concat_ws('|', s, i32, i64, u64, f64, b, d, ts AT TIME ZONE 'UTC', tsn, dec, encode(bin, 'hex'), list)
		FROM `+db.schema+`.typed WHERE s IS NOT NULL`).Scan(&got)
	if err != nil {
		t.Fatal(err)
	}
	want := "héllo|-7|1099511627776|18446744073709551615|2.5|t|2026-03-04|2026-03-04 05:06:07.123456|2026-03-04 05:06:07.123|-123.45|000102|[1,2]"
	if got != want {
		t.Errorf("row = %s\nwant  %s", got, want)
	}
	var types string
	err = db.conn.QueryRow(context.Background(), `SELECT string_agg(format_type(atttypid, atttypmod), ',' ORDER BY attnum)
		FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0`, db.schema+".typed").Scan(&types)
	if err != nil {
		t.Fatal(err)
	}
	wantTypes := "text,integer,bigint,numeric(20,0),double precision,boolean,date,timestamp with time zone," +
		"timestamp without time zone,numeric(10,2),bytea,text"
	if types != wantTypes {
		t.Errorf("types = %s\nwant    %s", types, wantTypes)
	}
	if n := db.count(t, db.schema+".typed WHERE s IS NULL AND i64 IS NULL AND ts IS NULL"); n != 1 {
		t.Errorf("null row count %d", n)
	}
}

// TestSinkReplaceAtomic rewrites a table several times while readers count
// its rows: every count is a whole export (old or new), never a half, an
// empty table or an error.
func TestSinkReplaceAtomic(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	opts := sinkOpts(db, "prospects")
	sizes := []int{3000, 5000, 2000, 7000, 3000}
	if _, err := NewSink().Write(ctx, connectors.WriteRequest{Export: "p", Options: opts,
		Records: peopleReader(1000, 256, "k")}); err != nil {
		t.Fatal(err)
	}
	valid := map[int64]bool{1000: true}
	for _, n := range sizes {
		valid[int64(n)] = true
	}

	var stop atomic.Bool
	var wg sync.WaitGroup
	var mu sync.Mutex
	var bad []string
	var reads atomic.Int64
	// Between writes the test waits until a read that began after the
	// last write has finished (seen catches up with written), so every
	// state is read, not only the ones a sleep happened to leave time for.
	var (
		seenMu        sync.Mutex
		seenCond      = sync.NewCond(&seenMu)
		written, seen int
		readers       = 3
	)
	for range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				seenMu.Lock()
				readers--
				seenCond.Broadcast()
				seenMu.Unlock()
			}()
			conn, err := connect(ctx, db.dsn)
			if err != nil {
				mu.Lock()
				bad = append(bad, err.Error())
				mu.Unlock()
				return
			}
			defer closeConn(conn)
			for !stop.Load() {
				seenMu.Lock()
				w := written
				seenMu.Unlock()
				var n int64
				err := conn.QueryRow(ctx, "SELECT count(*) FROM "+db.schema+".prospects").Scan(&n)
				reads.Add(1)
				if err != nil || !valid[n] {
					mu.Lock()
					bad = append(bad, fmt.Sprintf("count=%d err=%v", n, err))
					mu.Unlock()
				}
				seenMu.Lock()
				if w > seen {
					seen = w
					seenCond.Broadcast()
				}
				seenMu.Unlock()
			}
		}()
	}
	for _, n := range sizes {
		res, err := NewSink().Write(ctx, connectors.WriteRequest{Export: "p", Options: opts,
			Records: peopleReader(n, 500, "a", "b")})
		if err != nil {
			t.Fatal(err)
		}
		if res.Rows != int64(n) {
			t.Fatalf("wrote %d, want %d", res.Rows, n)
		}
		seenMu.Lock()
		written++
		for seen < written && readers > 0 {
			seenCond.Wait()
		}
		seenMu.Unlock()
	}
	stop.Store(true)
	wg.Wait()
	if len(bad) > 0 {
		t.Fatalf("readers saw %d bad results of %d, e.g. %s", len(bad), reads.Load(), bad[0])
	}
	if n := db.count(t, db.schema+".prospects"); n != 3000 {
		t.Fatalf("final count %d", n)
	}
	// No staging table is left behind, and subject_key is indexed.
	if n := db.count(t, "pg_tables WHERE schemaname = '"+db.schema+"'"); n != 1 {
		t.Fatalf("%d tables in the schema, want 1", n)
	}
	if n := db.count(t, "pg_indexes WHERE schemaname = '"+db.schema+"' AND indexdef LIKE '%subject_key%'"); n != 1 {
		t.Fatalf("subject_key index count %d", n)
	}
	t.Logf("%d concurrent reads, all whole", reads.Load())
}

// TestSinkFailureKeepsOld: a stream that breaks halfway rolls the whole
// write back, in both replace modes.
func TestSinkFailureKeepsOld(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	for _, mode := range []string{ReplaceSwap, ReplaceTruncate} {
		t.Run(mode, func(t *testing.T) {
			opts := sinkOpts(db, "keep_"+mode)
			opts["replace"] = mode
			if _, err := NewSink().Write(ctx, connectors.WriteRequest{Export: "p", Options: opts,
				Records: peopleReader(100, 30, "k")}); err != nil {
				t.Fatal(err)
			}
			r := peopleReader(1000, 100, "k")
			r.failAt = 5
			_, err := NewSink().Write(ctx, connectors.WriteRequest{Export: "p", Options: opts, Records: r})
			if err == nil || !strings.Contains(err.Error(), "upstream broke") {
				t.Fatalf("Write = %v, want the upstream error", err)
			}
			if n := db.count(t, db.schema+".keep_"+mode); n != 100 {
				t.Fatalf("after a failed write: %d rows, want the old 100", n)
			}
			// Cancelled ctx: same.
			cctx, cancel := context.WithCancel(ctx)
			cancel()
			if _, err := NewSink().Write(cctx, connectors.WriteRequest{Export: "p", Options: opts,
				Records: peopleReader(10, 10, "k")}); !errors.Is(err, context.Canceled) {
				t.Fatalf("Write with cancelled ctx = %v", err)
			}
			if n := db.count(t, db.schema+".keep_"+mode); n != 100 {
				t.Fatalf("after a cancelled write: %d rows", n)
			}
		})
	}
	if n := db.count(t, "pg_tables WHERE schemaname = '"+db.schema+"' AND tablename LIKE '_pipeline_staging%'"); n != 0 {
		t.Fatalf("%d staging tables left", n)
	}
}

// TestSinkTruncateKeepsView: replace: truncate keeps a view on the table,
// where swap reports the dependency.
func TestSinkTruncateKeepsView(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	opts := sinkOpts(db, "viewed")
	if _, err := NewSink().Write(ctx, connectors.WriteRequest{Export: "p", Options: opts, Records: peopleReader(5, 5, "k")}); err != nil {
		t.Fatal(err)
	}
	db.exec(t, "CREATE VIEW "+db.schema+".v AS SELECT subject_key FROM "+db.schema+".viewed")
	_, err := NewSink().Write(ctx, connectors.WriteRequest{Export: "p", Options: opts, Records: peopleReader(7, 5, "k")})
	if err == nil || !strings.Contains(err.Error(), "replace: truncate") {
		t.Fatalf("swap under a view = %v, want a hint to use truncate", err)
	}
	opts["replace"] = ReplaceTruncate
	if _, err := NewSink().Write(ctx, connectors.WriteRequest{Export: "p", Options: opts, Records: peopleReader(7, 5, "k")}); err != nil {
		t.Fatal(err)
	}
	if n := db.count(t, db.schema+".v"); n != 7 {
		t.Fatalf("view sees %d rows, want 7", n)
	}
}

func TestSinkUnqualifiedTable(t *testing.T) {
	db := newTestDB(t)
	dsn := db.dsn + "&search_path=" + db.schema
	if !strings.Contains(db.dsn, "?") {
		dsn = db.dsn + "?search_path=" + db.schema
	}
	res, err := NewSink().Write(context.Background(), connectors.WriteRequest{Export: "p",
		Options: connectors.Options{"dsn": dsn, "table": "plain"}, Records: peopleReader(3, 3, "k")})
	if err != nil {
		t.Fatal(err)
	}
	if res.Location != db.schema+".plain" {
		t.Fatalf("Location = %q, want schema-qualified", res.Location)
	}
	if strings.Contains(res.Location, "127.0.0.1") || strings.Contains(res.Location, "postgres://") {
		t.Fatalf("Location leaks the DSN: %q", res.Location)
	}
}

func TestLocateErase(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	sink := NewSink()
	opts := sinkOpts(db, "delivered")

	// No table yet: nothing held, nothing to erase.
	if locs, err := sink.Locate(ctx, opts, "a"); err != nil || len(locs) != 0 {
		t.Fatalf("Locate on missing table = %v, %v", locs, err)
	}
	if n, err := sink.Erase(ctx, opts, "a"); err != nil || n != 0 {
		t.Fatalf("Erase on missing table = %d, %v", n, err)
	}

	if _, err := sink.Write(ctx, connectors.WriteRequest{Export: "d", Options: opts,
		Records: peopleReader(9, 4, "a", "b", "c")}); err != nil {
		t.Fatal(err)
	}
	locs, err := sink.Locate(ctx, opts, "a")
	if err != nil {
		t.Fatal(err)
	}
	if len(locs) != 1 || locs[0].Rows != 3 || locs[0].Place != db.schema+".delivered" {
		t.Fatalf("Locate = %+v", locs)
	}
	if n, err := sink.Erase(ctx, opts, "a"); err != nil || n != 3 {
		t.Fatalf("Erase = %d, %v; want 3", n, err)
	}
	if n, err := sink.Erase(ctx, opts, "a"); err != nil || n != 0 {
		t.Fatalf("second Erase = %d, %v; want 0", n, err)
	}
	if locs, err := sink.Locate(ctx, opts, "a"); err != nil || len(locs) != 0 {
		t.Fatalf("Locate after Erase = %+v, %v", locs, err)
	}
	if n := db.count(t, db.schema+".delivered"); n != 6 {
		t.Fatalf("other subjects touched: %d rows left, want 6", n)
	}
	// SQL-looking keys are values, not SQL.
	if n, err := sink.Erase(ctx, opts, "b' OR '1'='1"); err != nil || n != 0 {
		t.Fatalf("Erase(injection) = %d, %v", n, err)
	}

	// A table without subject_key: a clear error.
	db.exec(t, "CREATE TABLE "+db.schema+".nokey (email text)")
	_, err = sink.Locate(ctx, sinkOpts(db, "nokey"), "a")
	if err == nil || !strings.Contains(err.Error(), "no subject_key column") {
		t.Fatalf("Locate on table without subject_key = %v", err)
	}
	_, err = sink.Erase(ctx, sinkOpts(db, "nokey"), "a")
	if err == nil || !strings.Contains(err.Error(), "no subject_key column") {
		t.Fatalf("Erase on table without subject_key = %v", err)
	}
	if _, err := sink.Erase(ctx, opts, ""); err == nil {
		t.Fatal("Erase with empty key: want error")
	}
}

func TestSinkRoundTripThroughSource(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	if _, err := NewSink().Write(ctx, connectors.WriteRequest{Export: "p", Options: sinkOpts(db, "rt"),
		Records: peopleReader(10000, 1000, "a", "b")}); err != nil {
		t.Fatal(err)
	}
	scan, err := NewSource().Scan(ctx, connectors.ScanRequest{Source: "rt",
		Options: connectors.Options{"dsn": db.dsn, "table": db.schema + ".rt", "batch_size": 3000}})
	if err != nil {
		t.Fatal(err)
	}
	defer scan.Records.Close()
	want := peopleReader(1, 1).Schema()
	if !scan.Records.Schema().Equal(want) {
		t.Fatalf("schema %s, want %s", scan.Records.Schema(), want)
	}
	var rows int64
	for _, b := range readAll(t, scan.Records) {
		rows += b.NumRows()
		b.Release()
	}
	if rows != 10000 {
		t.Fatalf("rows %d", rows)
	}
}
