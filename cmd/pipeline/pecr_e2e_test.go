package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/example/pipeline/pipeline/flow"
)

// setCompany rewrites fixtures/companies.csv in a workspace: the company
// whose name is name gets newName and companyType.
func setCompany(t *testing.T, dir, name, newName, companyType string) {
	t.Helper()
	path := filepath.Join(dir, "fixtures", "companies.csv")
	recs := readCSV(t, path)
	found := false
	for _, r := range recs[1:] {
		if r[0] == name {
			r[0], r[6], found = newName, companyType, true
		}
	}
	if !found {
		t.Fatalf("no company %q in companies.csv", name)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := csv.NewWriter(f)
	if err := w.WriteAll(recs); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// editConfig replaces from with to in the workspace's pipeline.yaml.
func editConfig(t *testing.T, dir, from, to string) {
	t.Helper()
	path := filepath.Join(dir, "pipeline.yaml")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), from) {
		t.Fatalf("pipeline.yaml has no %q", from)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(string(b), from, to, 1)), 0o600); err != nil {
		t.Fatal(err)
	}
}

// exportedDomains maps each company domain in the acme_q1 export to its rows.
func exportedDomains(t *testing.T, dir string) map[string]int {
	t.Helper()
	mem := openDB(t, "")
	glob := filepath.Join(dir, "exports", "acme_q1", "**", "*.parquet")
	out := map[string]int{}
	for _, d := range queryStrings(t, mem, "SELECT company_domain FROM read_parquet($1, hive_partitioning = true)", glob) {
		out[d]++
	}
	return out
}

// TestPECRSubscriberType (issue 21, item 1): a company is a corporate
// subscriber only when its company_type, or without one its name's legal
// suffix, says so; sole traders, self-employed, ordinary partnerships and
// bare "t/a" are individual; anything undecided is unknown, not exported,
// and counted in the report with the values no rule recognised.
func TestPECRSubscriberType(t *testing.T) {
	dir := workspace(t)
	setCompany(t, dir, "Harbourside Analytics Ltd", "Harbourside Analytics", "Self-employed")
	setCompany(t, dir, "Pennine Software Ltd", "Pennine Software", "Sole Proprietor")
	setCompany(t, dir, "Oakridge Legal LLP", "Oakridge Legal", "General Partnership")
	setCompany(t, dir, "Riverbend Fabrication Ltd", "R. Jones", "t/a")
	setCompany(t, dir, "Quayside Media Ltd", "Quayside Media", "")
	setCompany(t, dir, "Shannon Medtech Ltd", "Shannon Medtech Ltd", "Widgetco Form")
	setCompany(t, dir, "Solent Marine Engineering Ltd", "Solent Marine Engineering Ltd", "") // the suffix decides: corporate

	r := mustPipeline(t, dir, "run", "--format", "json")
	var rep flow.Report
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("report: %v\n%s", err, r.stdout)
	}
	got := exportedDomains(t, dir)
	for _, d := range []string{"harbourside-analytics.co.uk", "pennine-software.com", "oakridge-legal.co.uk",
		"riverbend-fabrication.co.uk", "quayside-media.co.uk", "shannon-medtech.ie"} {
		if got[d] != 0 {
			t.Errorf("%s: %d rows exported, want none (not a corporate subscriber)", d, got[d])
		}
	}
	if got["solent-marine.co.uk"] != 3 || got["northwind-payroll.co.uk"] != 3 {
		t.Errorf("corporate subscribers lost: %v", got)
	}
	u := rep.SubscriberUnknown
	if u == nil || u.Companies != 2 || u.Prospects < 5 {
		t.Fatalf("report subscriber_type_unknown = %+v, want 2 companies (quayside, shannon)", u)
	}
	var vals []string
	for _, v := range u.TopValues {
		vals = append(vals, v.Value)
	}
	if !slices.Contains(vals, "widgetco_form") || !slices.Contains(vals, "(missing)") {
		t.Errorf("top unrecognised values = %v", vals)
	}

	wh := openDB(t, filepath.Join(dir, "state", "warehouse.duckdb"))
	for domain, want := range map[string]string{
		"harbourside-analytics.co.uk": "individual company_type:sole_trader",
		"oakridge-legal.co.uk":        "individual company_type:partnership",
		"riverbend-fabrication.co.uk": "individual company_type:trading_as",
		"quayside-media.co.uk":        "unknown no_company_type_or_legal_suffix",
		"shannon-medtech.ie":          "unknown company_type:unrecognised",
		"solent-marine.co.uk":         "corporate name_suffix:ltd",
		"northwind-payroll.co.uk":     "corporate company_type:ltd",
	} {
		b := queryStrings(t, wh, "SELECT DISTINCT subscriber_type || ' ' || subscriber_basis FROM prospects WHERE company_domain = $1 AND email_type = 'personal'", domain)
		if len(b) != 1 || b[0] != want {
			t.Errorf("%s: subscriber type and basis %v, want %q", domain, b, want)
		}
	}
	wh.Close()

	// the table report says it in words
	tr := mustPipeline(t, dir, "run")
	if !strings.Contains(tr.stdout, "subscriber type unknown: 2 companies") || !strings.Contains(tr.stdout, "widgetco_form (1)") {
		t.Errorf("report:\n%s", tr.stdout)
	}
}
