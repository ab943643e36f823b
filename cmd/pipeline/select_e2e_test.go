package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// queryJSON runs `pipeline query SQL --format json` in dir.
func queryJSON(t *testing.T, dir, stmt string) []map[string]any {
	t.Helper()
	r := mustPipeline(t, dir, "query", stmt, "--format", "json")
	var rows []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &rows); err != nil {
		t.Fatalf("%s: %v\n%s", stmt, err, r.stdout)
	}
	return rows
}

// rawRunIDs is each raw table's run id (the run whose files it reads);
// not prospects' and deliverable's, which raw_files records too and a
// rerun rewrites.
func rawRunIDs(t *testing.T, dir string) map[string]any {
	out := map[string]any{}
	for _, r := range queryJSON(t, dir, "SELECT table_name, run_id FROM raw_files WHERE table_name LIKE 'raw\\_%' ESCAPE '\\'") {
		out[r["table_name"].(string)] = r["run_id"]
	}
	if len(out) == 0 {
		t.Fatal("no raw tables")
	}
	return out
}

// TestSelectExport: after a run, a changed export (one column fewer) and
// a subject suppressed since, `run --select export` rewrites the export
// from the warehouse as it is: the raw tables still read the first run's
// files (nothing restaged), the new export lacks the column and the
// suppressed subject, and the runs table records the rerun.
func TestSelectExport(t *testing.T) {
	dir := workspace(t)
	mustPipeline(t, dir, "run")
	before := rawRunIDs(t, dir)
	const exp = "read_parquet('exports/acme_q1/**/*.parquet')"
	first := queryJSON(t, dir, "SELECT email, subject_key FROM "+exp+" ORDER BY subject_key LIMIT 1")[0]
	mustPipeline(t, dir, "suppress", "add", "--email", first["email"].(string), "--reason", "complaint")

	cfgPath := filepath.Join(dir, "pipeline.yaml")
	b, err := os.ReadFile(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	cfg := strings.Replace(string(b), "columns: [subject_key, first_name, last_name,", "columns: [subject_key, first_name,", 1)
	if cfg == string(b) {
		t.Fatal("the export's columns are not where the test expects them")
	}
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}

	r := mustPipeline(t, dir, "run", "--select", "export", "--format", "json")
	var rep struct {
		RunID  string `json:"run_id"`
		Select string `json:"select"`
		Status string `json:"status"`
		Stages []struct{ Stage, Step string }
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("report: %v\n%s", err, r.stdout)
	}
	if rep.Select != "export" || rep.Status != "succeeded" {
		t.Errorf("report: select %q status %q", rep.Select, rep.Status)
	}
	steps := map[string]bool{}
	for _, s := range rep.Stages {
		steps[s.Stage+"/"+s.Step] = true
	}
	for _, want := range []string{"suppress/deliverable", "classify/catalog", "export/acme_q1"} {
		if !steps[want] {
			t.Errorf("report has no %s step: %v", want, steps)
		}
	}
	for _, src := range []string{"companies", "vendor_people", "crm_people"} {
		if steps["stage/"+src] || steps["enrich/"+src] {
			t.Errorf("--select export staged %s: %v", src, steps)
		}
	}
	if after := rawRunIDs(t, dir); len(after) != len(before) {
		t.Errorf("raw tables %v, before %v", after, before)
	} else {
		for k, v := range before {
			if after[k] != v {
				t.Errorf("%s: run id %v, before --select %v: restaged", k, after[k], v)
			}
		}
	}
	cols := queryJSON(t, dir, "SELECT column_name FROM (DESCRIBE SELECT * FROM "+exp+")")
	var names []string
	for _, c := range cols {
		names = append(names, c["column_name"].(string))
	}
	if strings.Contains(strings.Join(names, ","), "last_name") || !strings.Contains(strings.Join(names, ","), "first_name") {
		t.Errorf("export columns after --select export: %v", names)
	}
	if n := queryJSON(t, dir, "SELECT count(*) AS n FROM "+exp+" WHERE subject_key = '"+first["subject_key"].(string)+"'")[0]["n"]; n != float64(0) {
		t.Errorf("the subject suppressed since the first run is still exported (%v rows)", n)
	}
	runs := queryJSON(t, dir, "SELECT run_id, status FROM runs ORDER BY started_at")
	if len(runs) != 2 || runs[1]["run_id"] != rep.RunID || runs[1]["status"] != "succeeded" {
		t.Errorf("runs: %v", runs)
	}
	if n := queryJSON(t, dir, "SELECT count(*) AS n FROM lineage WHERE run_id = '"+rep.RunID+"'")[0]["n"]; n == float64(0) {
		t.Error("no lineage for the --select run's export")
	}
}

// TestSelectRefused: --select refuses, with the reason and exit 2, the
// steps that do not read the warehouse's state (stage, enrich), an
// unknown step, --select with --until, and any step before a first run.
func TestSelectRefused(t *testing.T) {
	dir := workspace(t)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"run", "--select", "export"}, "no successful run"},
		{[]string{"run", "--select", "stage"}, "stage reads the sources"},
		{[]string{"run", "--select", "enrich"}, "enrich rebuilds prospects"},
		{[]string{"run", "--select", "bogus"}, "not a step"},
		{[]string{"run", "--select", "export", "--until", "export"}, "exclude each other"},
	} {
		r := pipeline(t, dir, tt.args...)
		if r.code != 2 || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("pipeline %v: exit %d, stderr %q; want 2 with %q", tt.args, r.code, r.stderr, tt.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "exports")); err == nil {
		t.Error("a refused --select wrote exports")
	}
}

// TestSelectClassify: --select classify rewrites the catalog of the
// current tables and exports nothing; --select export --dry-run counts
// the export's rows and writes nothing.
func TestSelectClassify(t *testing.T) {
	dir := workspace(t)
	mustPipeline(t, dir, "run")
	r := mustPipeline(t, dir, "run", "--select", "classify", "--format", "json")
	var rep struct {
		RunID   string           `json:"run_id"`
		Exports []map[string]any `json:"exports"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Exports) != 0 {
		t.Errorf("--select classify exported: %v", rep.Exports)
	}
	for _, ds := range []string{"prospects", "vendor_people"} {
		got := queryJSON(t, dir, "SELECT DISTINCT run_id FROM catalog WHERE dataset = '"+ds+"'")
		if len(got) != 1 || got[0]["run_id"] != rep.RunID {
			t.Errorf("catalog of %s from runs %v, want %s", ds, got, rep.RunID)
		}
	}
	if n := queryJSON(t, dir, "SELECT count(*) AS n FROM lineage WHERE run_id = '"+rep.RunID+"'")[0]["n"]; n != float64(0) {
		t.Errorf("--select classify wrote %v lineage rows", n)
	}
	r = mustPipeline(t, dir, "run", "--select", "export", "--dry-run", "--format", "json")
	var dry struct {
		RunID   string `json:"run_id"`
		Status  string `json:"status"`
		Exports []struct {
			Rows   int64 `json:"rows"`
			DryRun bool  `json:"dry_run"`
		} `json:"exports"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &dry); err != nil {
		t.Fatal(err)
	}
	if dry.Status != "dry_run" || len(dry.Exports) != 1 || !dry.Exports[0].DryRun || dry.Exports[0].Rows == 0 {
		t.Errorf("--select export --dry-run: %+v", dry)
	}
	if n := queryJSON(t, dir, "SELECT count(*) AS n FROM lineage WHERE run_id = '"+dry.RunID+"'")[0]["n"]; n != float64(0) {
		t.Errorf("--select export --dry-run wrote %v lineage rows", n)
	}
}
