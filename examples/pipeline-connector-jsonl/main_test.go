package main

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/example/pipeline/connectors"
	"github.com/example/pipeline/connectors/plugin"
	"github.com/example/pipeline/connectors/sdk/sdktest"
)

const sample = `{"email": "a@example.com", "name": "Ann", "age": 41}
{"name": "Bob", "email": null, "tags": ["x", "y"]}

{"email": "c@example.com", "country": "GB"}
`

func writeSample(t *testing.T) string {
	p := filepath.Join(t.TempDir(), "people.jsonl")
	if err := os.WriteFile(p, []byte(sample), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestConformance(t *testing.T) {
	sdktest.Source(t, source{}, sdktest.SourceCase{
		Options:    connectors.Options{"path": writeSample(t)},
		BadOptions: connectors.Options{"path": "/does/not/exist"},
		WantRows:   3,
	})
}

// TestDiscoveredBinary builds the real executable, finds it through a
// plugin directory and scans through it.
func TestDiscoveredBinary(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command("go", "build", "-o", filepath.Join(dir, "pipeline-connector-jsonl"), ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	r := plugin.NewRegistry(plugin.RegistryOptions{PluginDirs: []string{dir}, StartTimeout: 10 * time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	infos, err := r.List(ctx)
	if err != nil || len(infos) != 1 {
		t.Fatalf("List = %+v, %v", infos, err)
	}
	if in := infos[0]; in.Name != "jsonl" || in.Origin != plugin.OriginExternal || in.Version != "0.1.0" || in.Error != "" {
		t.Fatalf("info = %+v", in)
	}

	src, closer, err := r.OpenSource(ctx, "jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer closer.Close()
	scan, err := src.Scan(ctx, connectors.ScanRequest{Source: "people", Options: connectors.Options{"path": writeSample(t)}})
	if err != nil {
		t.Fatal(err)
	}
	rr := scan.Records
	defer rr.Close()
	var names []string
	for _, f := range rr.Schema().Fields() {
		names = append(names, f.Name)
	}
	if got, want := names, []string{"email", "name", "age", "tags", "country"}; !slices.Equal(got, want) {
		t.Fatalf("columns = %v, want %v", got, want)
	}
	rec, err := rr.Next(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Release()
	if rec.NumRows() != 3 {
		t.Fatalf("rows = %d", rec.NumRows())
	}
	col := func(i int) *array.String { return rec.Column(i).(*array.String) }
	if col(0).Value(0) != "a@example.com" || !col(0).IsNull(1) || col(2).Value(0) != "41" || col(3).Value(1) != `["x", "y"]` || col(4).Value(2) != "GB" || !col(4).IsNull(0) {
		t.Fatalf("unexpected values: %v", rec)
	}
	if _, err := rr.Next(ctx); err != io.EOF {
		t.Fatalf("Next = %v, want io.EOF", err)
	}
}
