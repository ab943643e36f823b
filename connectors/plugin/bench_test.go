package plugin

import (
	"context"
	"fmt"
	"io"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	goplugin "github.com/hashicorp/go-plugin"

	"github.com/example/pipeline/connectors"
)

// benchSource yields the same prebuilt 64k-row batch until n rows went
// out, so the benchmark measures the transport, not batch building.
type benchSource struct {
	rec  arrow.RecordBatch
	rows int64
}

func (s *benchSource) Describe(context.Context) (connectors.Description, error) {
	return connectors.Description{Name: "bench", Kind: connectors.KindSource, Version: "1"}, nil
}

func (s *benchSource) Validate(context.Context, connectors.Options) error { return nil }

func (s *benchSource) Scan(context.Context, connectors.ScanRequest) (*connectors.Scan, error) {
	var sent int64
	return &connectors.Scan{Records: &funcReader{schema: s.rec.Schema(), next: func() (arrow.RecordBatch, error) {
		if sent >= s.rows {
			return nil, io.EOF
		}
		sent += s.rec.NumRows()
		s.rec.Retain()
		return s.rec, nil
	}}}, nil
}

type funcReader struct {
	schema *arrow.Schema
	next   func() (arrow.RecordBatch, error)
}

func (r *funcReader) Schema() *arrow.Schema                           { return r.schema }
func (r *funcReader) Next(context.Context) (arrow.RecordBatch, error) { return r.next() }
func (r *funcReader) Close() error                                    { return nil }

func benchBatch(n int) arrow.RecordBatch {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: arrow.PrimitiveTypes.Int64},
		{Name: "email", Type: arrow.BinaryTypes.String},
		{Name: "name", Type: arrow.BinaryTypes.String},
		{Name: "country", Type: arrow.BinaryTypes.String},
	}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	for i := range n {
		b.Field(0).(*array.Int64Builder).Append(int64(i))
		b.Field(1).(*array.StringBuilder).Append(fmt.Sprintf("person%d@example.com", i))
		b.Field(2).(*array.StringBuilder).Append(fmt.Sprintf("Person Number %d", i))
		b.Field(3).(*array.StringBuilder).Append("GB")
	}
	return b.NewRecordBatch()
}

// BenchmarkScan1M streams 1M rows (4 columns, ~50 bytes a row) through
// the gRPC adapters and Arrow IPC over go-plugin's in-memory connection.
func BenchmarkScan1M(b *testing.B) {
	const rows = 1 << 20
	src := &benchSource{rec: benchBatch(64 * 1024), rows: rows}
	client, _ := goplugin.TestPluginGRPCConn(b, false, map[string]goplugin.Plugin{SourcePluginName: &SourcePlugin{Impl: src}})
	defer client.Close()
	raw, err := client.Dispense(SourcePluginName)
	if err != nil {
		b.Fatal(err)
	}
	c := raw.(*SourceClient)
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		scan, err := c.Scan(ctx, connectors.ScanRequest{Source: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		n, err := drain(ctx, scan.Records)
		if err != nil || n != rows {
			b.Fatalf("rows %d, %v", n, err)
		}
		_ = scan.Records.Close()
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
