package sdktest_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/example/pipeline/connectors"
	"github.com/example/pipeline/connectors/csv"
	"github.com/example/pipeline/connectors/parquet"
	"github.com/example/pipeline/connectors/sdk"
	"github.com/example/pipeline/connectors/sdk/sdktest"
)

// counter is a ~30-line source: option n rows of (i, "row-i"), in
// batches of sdk.BatchRows.
type counter struct{}

var schema = arrow.NewSchema([]arrow.Field{
	{Name: "i", Type: arrow.PrimitiveTypes.Int64},
	{Name: "s", Type: arrow.BinaryTypes.String},
}, nil)

func (counter) Describe(context.Context) (connectors.Description, error) {
	return connectors.Description{Name: "counter", Kind: connectors.KindSource, Version: "1.0.0",
		Capabilities: []string{connectors.CapArrowStream}}, nil
}

func (counter) Validate(_ context.Context, o connectors.Options) error {
	if n, ok := o["n"].(int64); !ok || n < 0 {
		return fmt.Errorf("%w: option \"n\" must be a non-negative integer, got %T", connectors.ErrBadOptions, o["n"])
	}
	return nil
}

func (c counter) Scan(ctx context.Context, req connectors.ScanRequest) (*connectors.Scan, error) {
	if err := c.Validate(ctx, req.Options); err != nil {
		return nil, err
	}
	n, done := req.Options["n"].(int64), int64(0)
	return &connectors.Scan{Records: &sdk.FuncReader{S: schema, NextFn: func(context.Context) (arrow.RecordBatch, error) {
		if done >= n {
			return nil, io.EOF
		}
		b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
		defer b.Release()
		for ; done < n && b.Field(0).Len() < sdk.BatchRows; done++ {
			b.Field(0).(*array.Int64Builder).Append(done)
			b.Field(1).(*array.StringBuilder).Append(fmt.Sprintf("row-%d", done))
		}
		return b.NewRecordBatch(), nil
	}}}, nil
}

func TestStreamingSource(t *testing.T) {
	res := sdktest.Source(t, counter{}, sdktest.SourceCase{
		Options:    connectors.Options{"n": int64(200_000)},
		BadOptions: connectors.Options{"n": "many"},
		WantRows:   200_000,
	})
	if want := (200_000 + sdk.BatchRows - 1) / sdk.BatchRows; res.Batches != want {
		t.Errorf("batches = %d, want %d", res.Batches, want)
	}
}

func TestEmptyStream(t *testing.T) {
	sdktest.Source(t, counter{}, sdktest.SourceCase{Options: connectors.Options{"n": int64(0)}, WantRows: 0})
}

func TestNativeSource(t *testing.T) {
	p := filepath.Join(t.TempDir(), "a.csv")
	if err := os.WriteFile(p, []byte("a,b\n1,2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	res := sdktest.Source(t, csv.NewSource(), sdktest.SourceCase{
		Options: connectors.Options{"path": p, "delim": ","}, BadOptions: connectors.Options{}, WantRows: -1,
	})
	if res.Native == nil || res.Native.Format != "csv" || res.Native.Paths[0] != p || res.Native.Params["delim"] != "," {
		t.Fatalf("native = %+v", res.Native)
	}
}

func TestParquetSink(t *testing.T) {
	sdktest.Sink(t, parquet.NewSink(), sdktest.SinkCase{
		Options: connectors.Options{"dir": t.TempDir()}, BadOptions: connectors.Options{},
	})
}

// memSink counts rows; it can neither locate nor erase.
type memSink struct{}

func (memSink) Describe(context.Context) (connectors.Description, error) {
	return connectors.Description{Name: "mem", Kind: connectors.KindSink, Version: "1"}, nil
}
func (memSink) Validate(context.Context, connectors.Options) error { return nil }
func (memSink) Write(ctx context.Context, req connectors.WriteRequest) (*connectors.WriteResult, error) {
	var rows int64
	for {
		rec, err := req.Records.Next(ctx)
		if err == io.EOF {
			return &connectors.WriteResult{Location: "memory", Rows: rows}, nil
		}
		if err != nil {
			return nil, err
		}
		rows += rec.NumRows()
		rec.Release()
	}
}

func TestStreamingSink(t *testing.T) {
	sdktest.Sink(t, memSink{}, sdktest.SinkCase{
		Records: func() connectors.RecordReader {
			scan, err := counter{}.Scan(context.Background(), connectors.ScanRequest{Options: connectors.Options{"n": int64(100_000)}})
			if err != nil {
				t.Fatal(err)
			}
			return scan.Records
		},
		WantRows: 100_000,
	})
}
