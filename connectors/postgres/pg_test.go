package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/jackc/pgx/v5"

	"github.com/example/pipeline/connectors"
)

// testDSN returns the DSN of the test PostgreSQL server from
// PIPELINE_TEST_PG_DSN (see scripts/pgtest.sh). Without it the test fails
// in CI (CI set) or when PIPELINE_REQUIRE_PG=1, and is skipped otherwise.
func testDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv("PIPELINE_TEST_PG_DSN")
	if dsn != "" {
		return dsn
	}
	msg := "PIPELINE_TEST_PG_DSN is not set: run `eval \"$(scripts/pgtest.sh start)\"` first"
	if os.Getenv("CI") != "" || os.Getenv("PIPELINE_REQUIRE_PG") == "1" {
		t.Fatal(msg + " (required in CI / PIPELINE_REQUIRE_PG=1)")
	}
	t.Skip(msg)
	return ""
}

// testDB is a connection plus a fresh schema, dropped after the test.
type testDB struct {
	dsn    string
	schema string
	conn   *pgx.Conn
}

func newTestDB(t testing.TB) *testDB {
	t.Helper()
	dsn := testDSN(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("connect: %v", redact(err, dsn))
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = conn.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		_ = conn.Close(context.Background())
	})
	return &testDB{dsn: dsn, schema: schema, conn: conn}
}

func (db *testDB) exec(t testing.TB, sql string, args ...any) {
	t.Helper()
	if _, err := db.conn.Exec(context.Background(), sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func (db *testDB) count(t *testing.T, table string) int64 {
	t.Helper()
	var n int64
	if err := db.conn.QueryRow(context.Background(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

// readAll drains a RecordReader, returning its batches (caller releases).
func readAll(t *testing.T, r connectors.RecordReader) []arrow.RecordBatch {
	t.Helper()
	var out []arrow.RecordBatch
	for {
		b, err := r.Next(context.Background())
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		out = append(out, b)
	}
}

// sliceReader is a RecordReader over prepared batches; failAt >= 0 makes
// the failAt-th call of Next fail.
type sliceReader struct {
	schema  *arrow.Schema
	batches []arrow.RecordBatch
	i       int
	failAt  int
}

func (r *sliceReader) Schema() *arrow.Schema { return r.schema }

func (r *sliceReader) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if r.failAt >= 0 && r.i == r.failAt {
		return nil, errors.New("upstream broke")
	}
	if r.i >= len(r.batches) {
		return nil, io.EOF
	}
	b := r.batches[r.i]
	r.i++
	b.Retain()
	return b, nil
}

func (r *sliceReader) Close() error {
	for _, b := range r.batches {
		b.Release()
	}
	r.batches = nil
	return nil
}

// peopleReader makes n rows (subject_key, email, score, seen_at) in
// batches of batch rows; subject keys cycle through keys.
func peopleReader(n, batch int, keys ...string) *sliceReader {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "subject_key", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "email", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "score", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "seen_at", Type: timestampType, Nullable: true},
	}, nil)
	r := &sliceReader{schema: schema, failAt: -1}
	rb := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer rb.Release()
	ts := arrow.Timestamp(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC).UnixMicro())
	for i := 0; i < n; i++ {
		if len(keys) > 0 {
			rb.Field(0).(*array.StringBuilder).Append(keys[i%len(keys)])
		} else {
			rb.Field(0).AppendNull()
		}
		rb.Field(1).(*array.StringBuilder).Append("p" + string(rune('a'+i%26)) + "@example.com")
		rb.Field(2).(*array.Int64Builder).Append(int64(i))
		rb.Field(3).(*array.TimestampBuilder).Append(ts)
		if (i+1)%batch == 0 || i == n-1 {
			r.batches = append(r.batches, rb.NewRecordBatch())
		}
	}
	return r
}
