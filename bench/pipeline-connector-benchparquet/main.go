// Command pipeline-connector-benchparquet is a benchmark source: it reads a
// Parquet file with arrow-go's columnar reader and streams its record
// batches over go-plugin. Decoding costs little, so the bench measures what
// the plugin path (gRPC + Arrow IPC + DuckDB's Arrow scan) costs against
// DuckDB reading the same file natively. Built by bench/run.sh.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/pprof"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/example/pipeline/connectors"
	"github.com/example/pipeline/connectors/sdk"
)

type source struct{}

func (source) Describe(context.Context) (connectors.Description, error) {
	return connectors.Description{Name: "benchparquet", Kind: connectors.KindSource, Version: "0.1.0",
		Capabilities: []string{connectors.CapArrowStream},
		Options:      []connectors.OptionSpec{{Name: "path", Type: "string", Required: true, Doc: "Parquet file"}}}, nil
}

func (source) Validate(_ context.Context, o connectors.Options) error {
	if o.String("path") == "" {
		return fmt.Errorf("%w: option \"path\" is required", connectors.ErrBadOptions)
	}
	return nil
}

func (s source) Scan(ctx context.Context, req connectors.ScanRequest) (*connectors.Scan, error) {
	if err := s.Validate(ctx, req.Options); err != nil {
		return nil, err
	}
	pf, err := file.OpenParquetFile(req.Options.String("path"), false)
	if err != nil {
		return nil, err
	}
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: sdk.BatchRows, Parallel: true}, memory.DefaultAllocator)
	if err != nil {
		pf.Close()
		return nil, err
	}
	rr, err := fr.GetRecordReader(context.Background(), nil, nil)
	if err != nil {
		pf.Close()
		return nil, err
	}
	stopProfile := startProfile()
	return &connectors.Scan{Records: &sdk.FuncReader{S: rr.Schema(),
		NextFn: func(ctx context.Context) (arrow.RecordBatch, error) {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			if !rr.Next() {
				if err := rr.Err(); err != nil && !errors.Is(err, io.EOF) {
					return nil, err
				}
				return nil, io.EOF
			}
			rec := rr.RecordBatch()
			rec.Retain()
			return rec, nil
		},
		CloseFn: func() error { stopProfile(); rr.Release(); return pf.Close() },
	}}, nil
}

// startProfile writes a CPU profile of one scan to
// $BENCH_CPUPROFILE when set (for bench/streamprobe investigations).
func startProfile() func() {
	path := os.Getenv("BENCH_CPUPROFILE")
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err != nil {
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return func() {}
	}
	return func() { pprof.StopCPUProfile(); f.Close() }
}

func main() {
	if err := sdk.ServeSource(source{}); err != nil {
		panic(err)
	}
}
