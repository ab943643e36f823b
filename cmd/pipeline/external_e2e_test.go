package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestExternalConnector: the example external connector
// (examples/pipeline-connector-jsonl), built as its own executable, is
// discovered through $PIPELINE_PLUGIN_DIR and feeds a people source of a
// real run; the export still equals the oracle.
func TestExternalConnector(t *testing.T) {
	plugins := t.TempDir()
	build := exec.Command("go", "build", "-o", filepath.Join(plugins, "pipeline-connector-jsonl"), "./examples/pipeline-connector-jsonl")
	build.Dir = repoRoot(t)
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build connector: %v\n%s", err, out)
	}
	dir := workspace(t)
	// the CRM file as JSON lines
	recs := readCSV(t, filepath.Join(dir, "fixtures", "people_crm.csv"))
	var lines []string
	for _, r := range recs[1:] {
		obj := map[string]any{}
		for i, h := range recs[0] {
			if r[i] == "" {
				obj[h] = nil
			} else {
				obj[h] = r[i]
			}
		}
		b, _ := json.Marshal(obj)
		lines = append(lines, string(b))
	}
	if err := os.WriteFile(filepath.Join(dir, "fixtures", "people_crm.jsonl"), []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "pipeline.yaml")
	b, _ := os.ReadFile(p)
	y := strings.Replace(string(b), "  crm_people:\n    role: people\n    connector: csv\n    options: {path: fixtures/people_crm.csv}",
		"  crm_people:\n    role: people\n    connector: jsonl\n    options: {path: fixtures/people_crm.jsonl}", 1)
	if y == string(b) {
		t.Fatal("pipeline.yaml has no crm_people csv source to replace")
	}
	os.WriteFile(p, []byte(y), 0o600)
	t.Setenv("PIPELINE_PLUGIN_DIR", plugins)

	list := mustPipeline(t, dir, "connectors", "list")
	if !strings.Contains(list.stdout, "jsonl") || !strings.Contains(list.stdout, "external") {
		t.Fatalf("connectors list:\n%s", list.stdout)
	}
	mustPipeline(t, dir, "run")
	mem := openDB(t, "")
	got := queryStrings(t, mem, "SELECT subject_key FROM read_parquet($1) ORDER BY 1", filepath.Join(dir, "exports", "acme_q1", "**", "*.parquet"))
	if strings.Join(got, ",") != strings.Join(expectedKeys(t), ",") {
		t.Fatalf("export through the jsonl connector: %d keys, want the oracle's %d", len(got), len(expectedKeys(t)))
	}
	wh := openDB(t, filepath.Join(dir, "state", "warehouse.duckdb"))
	if n := queryStrings(t, wh, "SELECT count(*)::VARCHAR FROM raw_crm_people"); n[0] != "60" {
		t.Errorf("raw_crm_people rows = %v", n)
	}
}
