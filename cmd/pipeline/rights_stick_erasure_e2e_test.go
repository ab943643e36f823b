package main

import (
	"encoding/json"
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
	mustPipeline(t, dir, "erase", "--email", derivedEmail, "--yes")

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
