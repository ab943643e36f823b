package plugin

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/example/pipeline/connectors"
)

// transportOf names the path a scan's batches take: "socket" (the data
// socket) or "grpc" (chunks on the Scan stream).
func transportOf(t *testing.T, rr connectors.RecordReader) string {
	t.Helper()
	p, ok := rr.(*prefetchReader)
	if !ok {
		t.Fatalf("records are %T, want *prefetchReader", rr)
	}
	switch p.inner.(type) {
	case *socketReader:
		return "socket"
	case *streamReader:
		return "grpc"
	}
	t.Fatalf("inner reader is %T", p.inner)
	return ""
}

// An SDK plugin sends its records over the data socket; the socket's
// folder is gone once the scan is under way, and nothing is left in the
// temp folder afterwards. With the socket switched off the same plugin
// falls back to gRPC and delivers the same rows.
func TestDataSocketAndFallback(t *testing.T) {
	ctx := t.Context()
	for _, tt := range []struct {
		name, env, want string
	}{
		{"socket", "", "socket"},
		{"fallback", "off", "grpc"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tmp := t.TempDir()
			t.Setenv("TMPDIR", tmp)
			t.Setenv(DataSocketEnv, tt.env)
			r, _ := newRegistry(t)
			for _, mode := range []string{"ok", "big"} {
				src, _ := openSource(t, ctx, r, mode)
				scan, err := src.Scan(ctx, connectors.ScanRequest{Source: "people"})
				if err != nil {
					t.Fatal(err)
				}
				if got := transportOf(t, scan.Records); got != tt.want {
					t.Errorf("%s: transport = %s, want %s", mode, got, tt.want)
				}
				rows, err := drain(ctx, scan.Records)
				want := map[string]int64{"ok": 3000, "big": 64 * 1024}[mode]
				if err != nil || rows != want {
					t.Errorf("%s: rows = %d, %v; want %d", mode, rows, err, want)
				}
				_ = scan.Records.Close()
			}
			left, _ := filepath.Glob(filepath.Join(tmp, "pipeline-conn-*"))
			if len(left) != 0 {
				t.Errorf("left behind: %v", left)
			}
		})
	}
}

// A batch with another schema on the data socket fails the scan as a bad
// batch naming the connector and source; the first batch was delivered.
func TestDataSocketSchemaDrift(t *testing.T) {
	ctx := t.Context()
	r, _ := newRegistry(t)
	src, p := openSource(t, ctx, r, "drift")
	scan, err := src.Scan(ctx, connectors.ScanRequest{Source: "people"})
	if err != nil {
		t.Fatal(err)
	}
	if got := transportOf(t, scan.Records); got != "socket" {
		t.Fatalf("transport = %s", got)
	}
	rows, err := drain(ctx, scan.Records)
	if !errors.Is(err, ErrBadBatch) || !strings.Contains(err.Error(), `connector "drift": source "people"`) || !strings.Contains(err.Error(), "differs from stream schema") {
		t.Fatalf("err = %v", err)
	}
	if rows != 1000 {
		t.Errorf("rows before the error = %d, want 1000", rows)
	}
	_ = scan.Records.Close()
	closeGone(t, p)
}

// A plugin that stops sending mid-stream on the data socket: cancelling
// the context unblocks the host's read, and closing the connector ends
// the process.
func TestDataSocketStallCancelled(t *testing.T) {
	ctx := t.Context()
	r, stderr := newRegistry(t)
	src, p := openSource(t, ctx, r, "stall")
	scan, err := src.Scan(ctx, connectors.ScanRequest{Source: "people"})
	if err != nil {
		t.Fatal(err)
	}
	if got := transportOf(t, scan.Records); got != "socket" {
		t.Fatalf("transport = %s", got)
	}
	rec, err := scan.Records.Next(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rec.Release()
	nctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errc := make(chan error, 1)
	go func() {
		_, err := scan.Records.Next(nctx)
		errc <- err
	}()
	stderr.waitFor(t, "connector stall: stalling after the first batch") // the plugin will send no more
	cancel()
	if err := await(t, errc, "Next after cancel"); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	_ = scan.Records.Close()
	closeGone(t, p)
}

// A source with no rows: its schema, then a clean end, on both paths.
func TestEmptyStream(t *testing.T) {
	ctx := t.Context()
	for _, env := range []string{"", "off"} {
		t.Setenv(DataSocketEnv, env)
		r, _ := newRegistry(t)
		src, _ := openSource(t, ctx, r, "empty")
		scan, err := src.Scan(ctx, connectors.ScanRequest{Source: "people"})
		if err != nil {
			t.Fatalf("%q: %v", env, err)
		}
		if !scan.Records.Schema().Equal(arrowSchemaOfTestPlugin()) {
			t.Errorf("%q: schema %s", env, scan.Records.Schema())
		}
		rows, err := drain(ctx, scan.Records)
		if err != nil || rows != 0 {
			t.Errorf("%q: rows = %d, err = %v", env, rows, err)
		}
		_ = scan.Records.Close()
	}
}

// arrowSchemaOfTestPlugin is internal/testplugin's schema.
func arrowSchemaOfTestPlugin() *arrow.Schema {
	return arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: arrow.PrimitiveTypes.Int64},
		{Name: "name", Type: arrow.BinaryTypes.String, Nullable: true},
	}, nil)
}

// A source whose first read fails: its error (not a transport error)
// reaches the host, naming the connector and source.
func TestDataSocketFirstReadFails(t *testing.T) {
	ctx := t.Context()
	r, _ := newRegistry(t)
	src, _ := openSource(t, ctx, r, "firstfail")
	_, err := scanAll(ctx, src)
	if err == nil || !strings.Contains(err.Error(), "vendor said no (HTTP 503)") || !strings.Contains(err.Error(), `connector "firstfail": source "people"`) {
		t.Fatalf("err = %v", err)
	}
	if errors.Is(err, ErrBadBatch) {
		t.Errorf("a connector's own error reported as a bad batch: %v", err)
	}
}

// Bytes that are not Arrow IPC on the data socket, from a plugin that then
// never ends its call: a bad batch, reported after a bounded wait.
func TestDataSocketGarbage(t *testing.T) {
	ctx := t.Context()
	r, stderr := newRegistry(t)
	src, p := openSource(t, ctx, r, "sockgarbage")
	errc := make(chan error, 1)
	go func() {
		_, err := scanAll(ctx, src)
		errc <- err
	}()
	err := await(t, errc, "a scan of garbage on the data socket")
	if !errors.Is(err, ErrBadBatch) || !strings.Contains(err.Error(), `connector "sockgarbage": source "people"`) || !strings.Contains(err.Error(), "undecodable") {
		t.Fatalf("err = %v", err)
	}
	stderr.waitFor(t, "connector sockgarbage: sending garbage on the data socket")
	closeGone(t, p)
}
