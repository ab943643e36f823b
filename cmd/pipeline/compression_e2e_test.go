package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/example/pipeline/fixtures/gen"
)

// TestRawCompression runs the binary on a generated set with each
// engine.raw_compression and reads back how the raw people table's text
// columns are stored, after the run and after an erasure's rewrite of the
// file: never as dictionary or FSST with fast (the default), partly so
// with small. The deliverable rows are the same either way.
func TestRawCompression(t *testing.T) {
	dir := t.TempDir()
	if err := gen.Generate(context.Background(), gen.Options{People: 20_000, Seed: 7, Out: dir}); err != nil {
		t.Fatal(err)
	}
	yamlPath := filepath.Join(dir, gen.PipelineFile)
	orig, err := os.ReadFile(yamlPath)
	if err != nil {
		t.Fatal(err)
	}
	const engineLine = "engine: {threads: 2,"
	if !strings.Contains(string(orig), engineLine) {
		t.Fatalf("generated pipeline.yaml has no %q", engineLine)
	}
	deliverable := map[string]string{}
	for _, mode := range []string{"default", "fast", "small"} {
		line := engineLine
		if mode != "default" {
			line = "engine: {raw_compression: " + mode + ", threads: 2,"
		}
		if err := os.WriteFile(yamlPath, []byte(strings.Replace(string(orig), engineLine, line, 1)), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.RemoveAll(filepath.Join(dir, "state")); err != nil {
			t.Fatal(err)
		}
		mustPipeline(t, dir, "run")
		warehouse := filepath.Join(dir, "state", "warehouse.duckdb")
		stored := func(after string) string {
			db := openDB(t, warehouse)
			defer db.Close()
			got := queryStrings(t, db, `SELECT DISTINCT compression FROM pragma_storage_info('raw_vendor_people')
				WHERE segment_type = 'VARCHAR' ORDER BY 1`)
			methods := strings.Join(got, ",")
			compressed := strings.Contains(methods, "Dictionary") || strings.Contains(methods, "FSST")
			if compressed != (mode == "small") || methods == "" {
				t.Errorf("raw_compression %s, after %s: raw_vendor_people's text is stored as %q", mode, after, methods)
			}
			if after == "run" {
				deliverable[mode] = strings.Join(queryStrings(t, db, "SELECT subject_key FROM deliverable ORDER BY 1"), ",")
				return queryStrings(t, db, "SELECT email FROM deliverable ORDER BY subject_key LIMIT 1")[0]
			}
			return ""
		}
		email := stored("run")
		// the erasure rewrites the whole file: the same choice holds there
		mustPipeline(t, dir, "erase", "--email", email, "--yes")
		stored("erase")
	}
	if deliverable["default"] == "" || deliverable["default"] != deliverable["small"] || deliverable["fast"] != deliverable["small"] {
		t.Errorf("deliverable differs between raw_compression settings (default %d, fast %d, small %d bytes of keys)",
			len(deliverable["default"]), len(deliverable["fast"]), len(deliverable["small"]))
	}
}
