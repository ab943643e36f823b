package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type runReport struct {
	Status  string `json:"status"`
	Exports []struct {
		Export string   `json:"export"`
		Rows   int64    `json:"rows"`
		Files  []string `json:"files"`
		DryRun bool     `json:"dry_run"`
	} `json:"exports"`
}

func decodeReport(t *testing.T, out string) runReport {
	t.Helper()
	var rep runReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("run report: %v\n%s", err, out)
	}
	return rep
}

// TestDryRunCountsExports: --dry-run reports the rows each export would
// write — the rows a real run then writes — and writes nothing; --until
// (and its alias --only) stops before the export; `pipeline runs
// --format json` lists the runs with duration and rows exported.
func TestDryRunCountsExports(t *testing.T) {
	dir := workspace(t)
	dry := decodeReport(t, mustPipeline(t, dir, "run", "--dry-run", "--format", "json").stdout)
	if dry.Status != "dry_run" || len(dry.Exports) != 1 || !dry.Exports[0].DryRun || dry.Exports[0].Rows == 0 || len(dry.Exports[0].Files) != 0 {
		t.Fatalf("dry run report: %+v: want one export with its count, dry_run, no files", dry)
	}
	if ents, _ := os.ReadDir(filepath.Join(dir, "exports")); len(ents) != 0 {
		t.Errorf("dry run wrote %v", ents)
	}
	// what a run that did not commit wrote may be in the warehouse file's
	// free blocks: the next erasure scrubs it
	if why := mustPipeline(t, dir, "query", "--format", "csv", "SELECT reason FROM scrub_pending").stdout; !strings.Contains(why, "a run did not commit") {
		t.Errorf("scrub_pending after a dry run: %q", why)
	}
	table := mustPipeline(t, dir, "run", "--dry-run").stdout
	if !strings.Contains(table, "would write ") || !strings.Contains(table, "nothing written") {
		t.Errorf("dry run table report without the export count:\n%s", table)
	}

	real := decodeReport(t, mustPipeline(t, dir, "run", "--format", "json").stdout)
	if len(real.Exports) != 1 || real.Exports[0].Rows != dry.Exports[0].Rows || real.Exports[0].DryRun {
		t.Fatalf("run wrote %+v; the dry run said %d rows", real.Exports, dry.Exports[0].Rows)
	}
	for _, flag := range []string{"--until", "--only"} {
		rep := decodeReport(t, mustPipeline(t, dir, "run", flag, "classify", "--format", "json").stdout)
		if rep.Status != "succeeded" || len(rep.Exports) != 0 {
			t.Errorf("run %s classify: %+v: want no export", flag, rep)
		}
	}

	var runs []runRow
	out := mustPipeline(t, dir, "runs", "--format", "json").stdout
	if err := json.Unmarshal([]byte(out), &runs); err != nil || len(runs) != 5 {
		t.Fatalf("runs --format json: %v, %d runs:\n%s", err, len(runs), out)
	}
	// newest first: --only, --until, the real run, two dry runs
	if runs[0].RowsExported != nil || runs[1].RowsExported != nil {
		t.Errorf("runs stopped before export: rows_exported %v, %v; want null", runs[0].RowsExported, runs[1].RowsExported)
	}
	if r := runs[2]; r.Status != "succeeded" || r.RowsExported == nil || *r.RowsExported != real.Exports[0].Rows || r.DurationMS == nil || r.Finished == nil {
		t.Errorf("the real run: %+v", r)
	}
	if r := runs[4]; r.Status != "dry_run" || r.RowsExported == nil || *r.RowsExported != 0 {
		t.Errorf("the dry run: %+v: want 0 rows exported", r)
	}
	tbl := mustPipeline(t, dir, "runs", "-n", "1").stdout
	if lines := strings.Split(strings.TrimSpace(tbl), "\n"); len(lines) != 2 || !strings.Contains(lines[0], "DURATION") || !strings.Contains(lines[0], "EXPORTED") {
		t.Errorf("runs table:\n%s", tbl)
	}
}
