package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/example/pipeline/pipeline/normalize"
	"github.com/example/pipeline/pipeline/rights"
)

// A person the vendor names but gives no email for: prospects derives
// ysolde.penhallow@northwind-payroll.co.uk from Northwind's {first}.{last}.
const (
	derivedEmail = "ysolde.penhallow@northwind-payroll.co.uk"
	derivedRow   = "Ysolde,Penhallow,,Finance Director,northwind-payroll.co.uk,,,GB,"
)

// TestErasureOfDerivedEmailSticks: a person whose email was derived from
// the company's pattern, once erased, is refused at stage by the next run
// (and counted), so neither raw_<source> nor prospects nor a SAR finds
// them again.
func TestErasureOfDerivedEmailSticks(t *testing.T) {
	dir := workspace(t)
	appendLine(t, dir, "people.csv", derivedRow)
	key, _ := normalize.EmailKey(derivedEmail)
	suppRun(t, dir)
	if st := suppReadState(t, dir); !st.prospects[key] {
		t.Fatalf("run 1: the derived email is not in prospects")
	}
	// the SAR shows the vendor's row the email was derived from
	before := mustPipeline(t, dir, "sar", "--email", derivedEmail, "--format", "json").stdout
	var b rights.Report
	if err := json.Unmarshal([]byte(before), &b); err != nil {
		t.Fatal(err)
	}
	inRaw := false
	for _, f := range b.Found {
		inRaw = inRaw || f.Dataset == "vendor_people" && len(f.Rows) == 1
	}
	if !inRaw {
		t.Errorf("the SAR does not show the vendor row the derived email came from")
	}
	mustPipeline(t, dir, "erase", "--email", derivedEmail, "--yes")
	if n := rawCount(t, dir, "raw_vendor_people", "Penhallow"); n != 0 {
		t.Errorf("the erasure left %d raw rows of the person (no email in the feed)", n)
	}

	for run := 2; run <= 3; run++ {
		rep := suppRun(t, dir)
		if st := suppReadState(t, dir); st.prospects[key] || st.exported[key] {
			t.Errorf("run %d: the erased person is back (prospects %v, export %v)", run, st.prospects[key], st.exported[key])
		}
		if n := rawCount(t, dir, "raw_vendor_people", "Penhallow"); n != 0 {
			t.Errorf("run %d: raw_vendor_people keeps %d rows of the erased person", run, n)
		}
		if got := suppStageRow(rep, "stage", "vendor_people").Suppressed; got != 1 {
			t.Errorf("run %d: vendor_people refused %d rows of erased subjects, want 1", run, got)
		}
		out := mustPipeline(t, dir, "sar", "--email", derivedEmail, "--format", "json").stdout
		var s rights.Report
		if err := json.Unmarshal([]byte(out), &s); err != nil {
			t.Fatal(err)
		}
		for _, f := range s.Found {
			if f.Kind == "table" || f.Kind == "export" {
				t.Errorf("run %d: SAR after erasure finds %s (%s)", run, f.Dataset, f.Kind)
			}
		}
		if strings.Contains(out, "Penhallow") {
			t.Errorf("run %d: the SAR after erasure holds the person's name", run)
		}
	}
}

// setPartition rewrites the workspace's acme_q1 partition_by.
func setPartition(t *testing.T, dir, cols string) {
	t.Helper()
	p := filepath.Join(dir, "pipeline.yaml")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(b), "partition_by: [country]", "partition_by: ["+cols+"]", 1)
	if s == string(b) {
		t.Fatal("pipeline.yaml: no partition_by to replace")
	}
	if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestPartitionByPersonalColumnRefused: a personal column in partition_by
// is a config error (exit 2, file:line), before anything runs.
func TestPartitionByPersonalColumnRefused(t *testing.T) {
	for _, col := range []string{"email", "subject_key", "last_name"} {
		dir := workspace(t)
		setPartition(t, dir, col)
		for _, cmd := range []string{"validate", "run"} {
			r := pipeline(t, dir, cmd)
			if r.code != 2 || !strings.Contains(r.stderr, "pipeline.yaml:") || !strings.Contains(r.stderr, "partition_by column \""+col+"\" is personal data") {
				t.Errorf("%s with partition_by [%s]: exit %d\n%s", cmd, col, r.code, r.stderr)
			}
		}
		if _, err := os.Stat(filepath.Join(dir, "exports")); err == nil {
			t.Errorf("partition_by [%s]: an export was written", col)
		}
	}
}

// TestErasureRemovesEmptyPartitionFolder: erasing the only exported person
// of a partition removes the file and its folder, and the manifest forgets it.
func TestErasureRemovesEmptyPartitionFolder(t *testing.T) {
	const only = "hannah@harbourside-analytics.co.uk" // the one exported person at her company
	dir := workspace(t)
	setPartition(t, dir, "company_domain")
	mustPipeline(t, dir, "run")
	part := filepath.Join(dir, "exports", "acme_q1", "company_domain=harbourside-analytics.co.uk")
	if _, err := os.Stat(part); err != nil {
		t.Fatalf("no partition folder for her company: %v", err)
	}
	mustPipeline(t, dir, "erase", "--email", only, "--yes")
	if _, err := os.Stat(part); !os.IsNotExist(err) {
		t.Errorf("the partition folder that held only the erased person is still there (%v)", err)
	}
	m, err := os.ReadFile(filepath.Join(dir, "exports", "acme_q1", "_manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(m), "harbourside") {
		t.Errorf("the manifest still names the erased person's partition:\n%s", m)
	}
	var man struct {
		Rows int64 `json:"rows"`
	}
	if err := json.Unmarshal(m, &man); err != nil || man.Rows != 41 {
		t.Errorf("manifest rows %d (%v), want 41", man.Rows, err)
	}
	mustPipeline(t, dir, "audit", "verify")
}
