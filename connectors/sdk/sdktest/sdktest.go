// Package sdktest checks a connector against the connector contract in a
// plain go test, in-process: the connector is served over go-plugin's
// in-memory gRPC test connection, so everything crosses the same adapters
// and Arrow IPC transport a real plugin process uses.
//
//	func TestConformance(t *testing.T) {
//		sdktest.Source(t, mySource{}, sdktest.SourceCase{
//			Options:  connectors.Options{"path": "testdata/people.jsonl"},
//			WantRows: 3,
//		})
//	}
package sdktest

import (
	"context"
	"errors"
	"io"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	goplugin "github.com/hashicorp/go-plugin"

	"github.com/example/pipeline/connectors"
	"github.com/example/pipeline/connectors/plugin"
)

// SourceCase is what Source runs.
type SourceCase struct {
	// Options are valid options; Validate must accept them and Scan use them.
	Options connectors.Options
	// BadOptions, if set, must be refused by Validate with an error
	// wrapping connectors.ErrBadOptions.
	BadOptions connectors.Options
	// WantRows is the row count a record stream must yield (-1: any).
	WantRows int64
}

// SourceResult is what Source observed, for further checks.
type SourceResult struct {
	Description connectors.Description
	Native      *connectors.NativeScan // set for a native scan
	Schema      *arrow.Schema          // set for a record stream
	Rows        int64
	Batches     int
}

// Timeout bounds each step (cancellation, a batch).
const Timeout = 10 * time.Second

// Source checks src through the plugin transport: Describe (name, kind
// source, version), Validate (Options accepted, BadOptions refused), Scan
// (exactly one of native or records; a native scan names a format and
// paths; a record stream has a schema, its batches decode with that
// schema, it ends with io.EOF and keeps returning io.EOF), and
// cancellation (cancelling the scan's context mid-stream makes the host
// see an error and the connector's RecordReader closed).
func Source(t testing.TB, src connectors.Source, c SourceCase) SourceResult {
	t.Helper()
	ctx := context.Background()
	spy := &spySource{Source: src}
	client, stop := dispenseSource(t, spy)
	defer stop()

	var res SourceResult
	d, err := client.Describe(ctx)
	if err != nil {
		t.Fatalf("Describe: %v", err)
	}
	res.Description = d
	if d.Name == "" || d.Version == "" {
		t.Errorf("Describe: name %q and version %q must be set", d.Name, d.Version)
	}
	if d.Kind != connectors.KindSource {
		t.Errorf("Describe: kind = %q, want %q", d.Kind, connectors.KindSource)
	}
	if err := client.Validate(ctx, c.Options); err != nil {
		t.Fatalf("Validate(Options): %v", err)
	}
	if c.BadOptions != nil {
		if err := client.Validate(ctx, c.BadOptions); !errors.Is(err, connectors.ErrBadOptions) {
			t.Errorf("Validate(BadOptions) = %v, want an error wrapping connectors.ErrBadOptions", err)
		}
	}

	scan, err := client.Scan(ctx, connectors.ScanRequest{Source: "conformance", Options: c.Options})
	if err != nil {
		t.Fatalf("Scan: %v", err)
	}
	if scan.Native != nil {
		res.Native = scan.Native
		if scan.Native.Format == "" || len(scan.Native.Paths) == 0 {
			t.Errorf("Scan: a native scan needs a format and paths: %+v", scan.Native)
		}
		if !d.Has(connectors.CapNativeScan) {
			t.Errorf("Scan returned a native scan but Describe lacks capability %q", connectors.CapNativeScan)
		}
		return res
	}
	rr := scan.Records
	res.Schema = rr.Schema()
	if res.Schema == nil || res.Schema.NumFields() == 0 {
		t.Fatalf("Scan: record stream without a schema (or with no columns)")
	}
	for {
		rec, err := rr.Next(ctx)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("Next after %d batches: %v", res.Batches, err)
		}
		res.Batches++
		res.Rows += rec.NumRows()
		if !rec.Schema().Equal(res.Schema) {
			t.Errorf("batch %d schema %s differs from stream schema %s", res.Batches, rec.Schema(), res.Schema)
		}
		rec.Release()
	}
	if _, err := rr.Next(ctx); err != io.EOF {
		t.Errorf("Next after io.EOF = %v, want io.EOF again", err)
	}
	if err := rr.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if c.WantRows >= 0 && res.Rows != c.WantRows {
		t.Errorf("rows = %d, want %d", res.Rows, c.WantRows)
	}
	waitClosed(t, spy, 1)
	checkCancel(t, client, spy, c.Options)
	return res
}

// checkCancel starts a second scan, reads at most one batch, cancels and
// expects the host to see an error and the connector's reader closed.
func checkCancel(t testing.TB, client *plugin.SourceClient, spy *spySource, opts connectors.Options) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	scan, err := client.Scan(ctx, connectors.ScanRequest{Source: "conformance", Options: opts})
	if err != nil {
		t.Fatalf("Scan (cancellation check): %v", err)
	}
	rr := scan.Records
	defer rr.Close()
	if rec, err := rr.Next(ctx); err == nil {
		rec.Release()
	}
	cancel()
	done := make(chan error, 1)
	go func() {
		for {
			rec, err := rr.Next(ctx)
			if err != nil {
				done <- err
				return
			}
			rec.Release()
		}
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) && err != io.EOF {
			t.Errorf("Next after cancel = %v, want context.Canceled", err)
		}
	case <-time.After(Timeout):
		t.Fatalf("Next did not return within %v of cancel", Timeout)
	}
	waitClosed(t, spy, 2)
}

func waitClosed(t testing.TB, spy *spySource, want int32) {
	t.Helper()
	deadline := time.Now().Add(Timeout)
	for spy.closed.Load() < want {
		if time.Now().After(deadline) {
			t.Fatalf("the connector's RecordReader was not closed (closed %d of %d scans)", spy.closed.Load(), want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func dispenseSource(t testing.TB, src connectors.Source) (*plugin.SourceClient, func()) {
	t.Helper()
	client, _ := goplugin.TestPluginGRPCConn(t, false, map[string]goplugin.Plugin{
		plugin.SourcePluginName: &plugin.SourcePlugin{Impl: src},
	})
	raw, err := client.Dispense(plugin.SourcePluginName)
	if err != nil {
		t.Fatalf("dispense: %v", err)
	}
	c, ok := raw.(*plugin.SourceClient)
	if !ok {
		t.Fatalf("dispense: got %T", raw)
	}
	return c, func() { _ = client.Close() } // Close also stops the server
}

// spySource counts how many of the connector's RecordReaders were closed.
type spySource struct {
	connectors.Source
	closed atomic.Int32
}

func (s *spySource) Scan(ctx context.Context, req connectors.ScanRequest) (*connectors.Scan, error) {
	scan, err := s.Source.Scan(ctx, req)
	if err == nil && scan != nil && scan.Records != nil {
		scan.Records = &spyReader{RecordReader: scan.Records, closed: &s.closed}
	}
	return scan, err
}

type spyReader struct {
	connectors.RecordReader
	closed *atomic.Int32
	once   atomic.Bool
}

func (r *spyReader) Close() error {
	if r.once.CompareAndSwap(false, true) {
		r.closed.Add(1)
	}
	return r.RecordReader.Close()
}
