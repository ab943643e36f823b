package builtin_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/example/pipeline/connectors"
	"github.com/example/pipeline/connectors/builtin"
	"github.com/example/pipeline/connectors/plugin"
)

func TestServeUnknown(t *testing.T) {
	err := builtin.Serve("nope")
	if err == nil || !strings.Contains(err.Error(), `"nope"`) || !strings.Contains(err.Error(), "csv, http, parquet, postgres") {
		t.Fatalf("err = %v; want one listing the known connectors", err)
	}
}

func TestNames(t *testing.T) {
	names := builtin.Names()
	for _, want := range []string{"csv", "parquet"} {
		if !slices.Contains(names, want) {
			t.Errorf("Names() = %v lacks %s", names, want)
		}
	}
	if !slices.IsSorted(names) {
		t.Errorf("Names() not sorted: %v", names)
	}
}

// TestServedOverPlugin runs the built-ins as real plugin processes, the way
// `pipeline connector serve NAME` serves them.
func TestServedOverPlugin(t *testing.T) {
	self := filepath.Join(t.TempDir(), "testserve")
	cmd := exec.Command("go", "build", "-o", self, "./internal/testserve")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	r := plugin.NewRegistry(plugin.RegistryOptions{SelfExe: self, Builtins: builtin.Names(), StartTimeout: 10 * time.Second})
	defer plugin.CleanupClients()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	infos, err := r.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(infos) != len(builtin.Names()) {
		t.Fatalf("List = %+v", infos)
	}
	for _, in := range infos {
		if in.Origin != plugin.OriginBuiltin || in.Error != "" || in.Version == "" || len(in.Kinds) == 0 {
			t.Errorf("info = %+v", in)
		}
	}

	csvPath := filepath.Join(t.TempDir(), "a.csv")
	if err := os.WriteFile(csvPath, []byte("a;b\n1;2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	src, closer, err := r.OpenSource(ctx, "csv")
	if err != nil {
		t.Fatal(err)
	}
	defer closer.Close()
	scan, err := src.Scan(ctx, connectors.ScanRequest{Source: "companies", Options: connectors.Options{"path": csvPath, "delim": ";", "header": true}})
	if err != nil {
		t.Fatal(err)
	}
	if scan.Native == nil || scan.Native.Format != "csv" || scan.Native.Params["delim"] != ";" {
		t.Fatalf("scan = %+v", scan.Native)
	}
	if _, _, err := r.OpenSink(ctx, "csv"); err == nil {
		t.Fatal("csv must not open as a sink")
	}

	sink, sc, err := r.OpenSink(ctx, "parquet")
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Close()
	dir := filepath.Join(t.TempDir(), "exports", "e1")
	staged, err := sink.(connectors.NativeWriter).StagingDir(ctx, "e1", "run1", connectors.Options{"dir": dir})
	if err != nil {
		t.Fatal(err)
	}
	res, err := sink.Write(ctx, connectors.WriteRequest{Export: "e1", RunID: "run1", Options: connectors.Options{"dir": dir}, StagedDir: staged})
	if err != nil {
		t.Fatal(err)
	}
	if res.Location != dir || res.Rows != 0 {
		t.Fatalf("res = %+v", res)
	}
	if _, err := os.Stat(filepath.Join(dir, "_manifest.json")); err != nil {
		t.Fatal(err)
	}
}
