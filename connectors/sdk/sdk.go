// Package sdk is what a connector author imports to ship a connector as
// its own executable, named pipeline-connector-NAME and placed in a plugin
// directory or on PATH:
//
//	func main() {
//		if err := sdk.ServeSource(mySource{}); err != nil {
//			fmt.Fprintln(os.Stderr, err)
//			os.Exit(1)
//		}
//	}
//
// The connector implements connectors.Source and/or connectors.Sink (and
// any optional capability); the SDK handles the handshake, gRPC and the
// Arrow IPC transport (a source's batches go over the Unix socket the host
// offers for them, or over gRPC when it offers none or the socket cannot
// be reached). Write logs to stderr: the host copies it into its
// own log, prefixed with the connector's name. Never write to stdout, which
// carries the handshake. Package sdktest checks a connector against the
// contract in a plain go test.
package sdk

import (
	"context"
	"errors"
	"os"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/hashicorp/go-hclog"
	goplugin "github.com/hashicorp/go-plugin"

	"github.com/example/pipeline/connectors"
	"github.com/example/pipeline/connectors/plugin"
)

// BatchRows is a good number of rows per Arrow batch: large enough that
// the per-batch cost is negligible, small enough that decoding, transport
// and DuckDB's ingest of consecutive batches overlap (bench/stream
// measures the choice).
const BatchRows = 128 * 1024

// ServeSource serves src until the host disconnects. See Serve.
func ServeSource(src connectors.Source) error { return Serve(src, nil) }

// ServeSink serves sink until the host disconnects. See Serve.
func ServeSink(sink connectors.Sink) error { return Serve(nil, sink) }

// Serve serves a source, a sink or both (either may be nil, not both)
// over go-plugin until the host disconnects or kills the process, the
// process gets SIGTERM, or its host process is gone. Started
// by hand rather than by pipeline, it prints a note and exits with status
// 1 (go-plugin's behaviour).
func Serve(src connectors.Source, sink connectors.Sink) error {
	if src == nil && sink == nil {
		return errors.New("sdk: Serve needs a source or a sink")
	}
	watchHost()
	goplugin.Serve(&goplugin.ServeConfig{
		HandshakeConfig:  plugin.Handshake,
		VersionedPlugins: plugin.VersionedPlugins(src, sink),
		GRPCServer:       plugin.NewGRPCServer,
		Logger: hclog.New(&hclog.LoggerOptions{
			Level: hclog.Warn, Output: os.Stderr, JSONFormat: true,
		}),
	})
	return nil
}

// FuncReader adapts a function to connectors.RecordReader: NextFn returns
// the next batch (ownership passes to the caller) or io.EOF; CloseFn, if
// set, runs once on Close.
type FuncReader struct {
	S       *arrow.Schema
	NextFn  func(ctx context.Context) (arrow.RecordBatch, error)
	CloseFn func() error
	closed  bool
}

var _ connectors.RecordReader = (*FuncReader)(nil)

// Schema implements connectors.RecordReader.
func (r *FuncReader) Schema() *arrow.Schema { return r.S }

// Next implements connectors.RecordReader.
func (r *FuncReader) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return r.NextFn(ctx)
}

// Close implements connectors.RecordReader.
func (r *FuncReader) Close() error {
	if r.closed || r.CloseFn == nil {
		r.closed = true
		return nil
	}
	r.closed = true
	return r.CloseFn()
}
