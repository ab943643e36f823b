package postgres

import (
	"context"
	"errors"
	"io"
	"testing"

	"github.com/example/pipeline/connectors"
)

const benchRows = 1_000_000

// BenchmarkSourceScan streams 1M rows (int8, text, float8, timestamptz)
// from PostgreSQL into Arrow batches.
func BenchmarkSourceScan(b *testing.B) {
	db := newTestDB(b)
	db.exec(b, "CREATE TABLE "+db.schema+".bench AS SELECT g::int8 AS id, 'person '||g AS name, g*0.5 AS score, "+
		"now() + g * interval '1 second' AS seen FROM generate_series(1, $1::int) g", benchRows)
	ctx := context.Background()
	b.ResetTimer()
	for range b.N {
		scan, err := NewSource().Scan(ctx, connectors.ScanRequest{Source: "bench",
			Options: connectors.Options{"dsn": db.dsn, "table": db.schema + ".bench"}})
		if err != nil {
			b.Fatal(err)
		}
		var rows int64
		for {
			rec, err := scan.Records.Next(ctx)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			rows += rec.NumRows()
			rec.Release()
		}
		scan.Records.Close()
		if rows != benchRows {
			b.Fatalf("rows %d", rows)
		}
	}
	b.ReportMetric(float64(benchRows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkSinkWrite loads 1M rows with COPY and swaps them in.
func BenchmarkSinkWrite(b *testing.B) {
	db := newTestDB(b)
	ctx := context.Background()
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		r := peopleReader(benchRows, 65536, "a", "b", "c")
		b.StartTimer()
		res, err := NewSink().Write(ctx, connectors.WriteRequest{Export: "bench", Options: sinkOpts(db, "bench"), Records: r})
		if err != nil {
			b.Fatal(err)
		}
		r.Close()
		if res.Rows != benchRows {
			b.Fatalf("rows %d", res.Rows)
		}
	}
	b.ReportMetric(float64(benchRows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
