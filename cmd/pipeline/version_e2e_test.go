package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestVersion(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{{"version", "--format", "json"}, {"--version", "--format", "json"}} {
		r := mustPipeline(t, dir, args...)
		var v buildVersion
		if err := json.Unmarshal([]byte(r.stdout), &v); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, r.stdout)
		}
		if !strings.HasPrefix(v.DuckDB, "v1.") || !strings.HasPrefix(v.Go, "go1.") {
			t.Errorf("%v: duckdb %q, go %q", args, v.DuckDB, v.Go)
		}
		head, err := exec.Command("git", "-C", repoRoot(t), "rev-parse", "HEAD").Output()
		if err == nil && v.Revision != strings.TrimSpace(string(head)) {
			t.Errorf("%v: revision %q, the checkout is at %s", args, v.Revision, head)
		}
	}
	r := mustPipeline(t, dir, "version")
	if !strings.Contains(r.stdout, "duckdb v1.") {
		t.Errorf("version text has no DuckDB version:\n%s", r.stdout)
	}
	if r := pipeline(t, dir, "version", "--format", "yaml"); r.code != 2 {
		t.Errorf("version --format yaml: exit %d, want 2", r.code)
	}
}

// TestSchemaCommand checks that `pipeline schema` prints the committed
// docs/pipeline.schema.json, which the pipeline.yaml modeline points at.
func TestSchemaCommand(t *testing.T) {
	r := mustPipeline(t, t.TempDir(), "schema")
	want, err := os.ReadFile(filepath.Join(repoRoot(t), "docs", "pipeline.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal([]byte(r.stdout), want) {
		t.Fatal("pipeline schema differs from docs/pipeline.schema.json (go test ./pipeline/config -run SchemaFile -update)")
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &v); err != nil || v["$id"] == nil {
		t.Fatalf("not a JSON Schema: %v", err)
	}
}
