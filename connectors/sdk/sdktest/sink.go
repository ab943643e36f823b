package sdktest

import (
	"context"
	"errors"
	"testing"

	goplugin "github.com/hashicorp/go-plugin"

	"github.com/example/pipeline/connectors"
	"github.com/example/pipeline/connectors/plugin"
)

// SinkCase is what Sink runs.
type SinkCase struct {
	// Options are valid options.
	Options connectors.Options
	// BadOptions, if set, must be refused with connectors.ErrBadOptions.
	BadOptions connectors.Options
	// Records, if set, returns a fresh stream to write; WantRows is then
	// the row count the sink must report.
	Records  func() connectors.RecordReader
	WantRows int64
}

// Sink checks sink through the plugin transport: Describe (name, kind
// sink, version), Validate, a streamed Write when Records is set, and that
// each optional capability is advertised exactly when implemented
// (Locate/Erase answer ErrUnsupported otherwise). It returns the Write
// result (nil without Records).
func Sink(t testing.TB, sink connectors.Sink, c SinkCase) *connectors.WriteResult {
	t.Helper()
	ctx := context.Background()
	client, _ := goplugin.TestPluginGRPCConn(t, false, map[string]goplugin.Plugin{
		plugin.SinkPluginName: &plugin.SinkPlugin{Impl: sink},
	})
	defer func() { _ = client.Close() }() // Close also stops the server
	raw, err := client.Dispense(plugin.SinkPluginName)
	if err != nil {
		t.Fatalf("dispense: %v", err)
	}
	sc := raw.(*plugin.SinkClient)

	d, err := sc.Describe(ctx)
	if err != nil {
		t.Fatalf("Describe: %v", err)
	}
	if d.Name == "" || d.Version == "" || d.Kind != connectors.KindSink {
		t.Errorf("Describe = %+v: want a name, a version and kind sink", d)
	}
	_, isLocator := sink.(connectors.Locator)
	_, isEraser := sink.(connectors.Eraser)
	_, isNative := sink.(connectors.NativeWriter)
	for _, x := range []struct {
		cap  string
		impl bool
	}{{connectors.CapLocate, isLocator}, {connectors.CapErase, isEraser}, {connectors.CapNativeWrite, isNative}} {
		if d.Has(x.cap) != x.impl {
			t.Errorf("capability %q advertised = %v, implemented = %v", x.cap, d.Has(x.cap), x.impl)
		}
	}
	if !isEraser {
		if _, err := sc.Erase(ctx, c.Options, "0000"); !errors.Is(err, errors.ErrUnsupported) {
			t.Errorf("Erase on a sink without it = %v, want errors.ErrUnsupported", err)
		}
	}
	if err := sc.Validate(ctx, c.Options); err != nil {
		t.Fatalf("Validate(Options): %v", err)
	}
	if c.BadOptions != nil {
		if err := sc.Validate(ctx, c.BadOptions); !errors.Is(err, connectors.ErrBadOptions) {
			t.Errorf("Validate(BadOptions) = %v, want connectors.ErrBadOptions", err)
		}
	}
	if c.Records == nil {
		return nil
	}
	rr := c.Records()
	defer rr.Close()
	res, err := sc.Write(ctx, connectors.WriteRequest{Export: "conformance", RunID: "run-1", Options: c.Options, Records: rr})
	if err != nil {
		t.Fatalf("Write: %v", err)
	}
	if res.Rows != c.WantRows {
		t.Errorf("Write rows = %d, want %d", res.Rows, c.WantRows)
	}
	return res
}
