package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPredicateAttacks (issue 19, item 2): a targeting predicate that
// reads a file or holds a subquery is refused by validate, run and sar with
// exit 2 at pipeline.yaml:line:col, and no message echoes a value of the
// file it named (the CRM's emails).
func TestPredicateAttacks(t *testing.T) {
	const good = `"country IN ('GB','IE') AND employees >= 50"`
	cases := []struct{ name, pred, want string }{
		{"exists table", `'EXISTS (TABLE "fixtures/people_crm.csv")'`, "pipeline.yaml:60:15: targeting.companies: a subquery"},
		{"values", `"(VALUES (1)) = 1"`, "pipeline.yaml:60:15: targeting.companies: a subquery"},
		{"pivot leak", `'CAST((PIVOT (UNPIVOT "fixtures/people_crm.csv" ON COLUMNS(*)) ON "Work Email") AS INTEGER) = 1'`, "targeting.companies: must be one scalar expression"},
		{"describe", `"(DESCRIBE companies_n) IS NOT NULL"`, "targeting.companies: a subquery"},
		{"summarize", `'(SUMMARIZE "fixtures/people_crm.csv") IS NOT NULL'`, "targeting.companies: a subquery"},
		{"read_csv", `"length(CAST(read_csv('fixtures/people_crm.csv') AS VARCHAR)) > 0"`, `function "read_csv" is not allowed`},
		{"read_text", `"length(read_text('/etc/passwd')) > 0"`, `pipeline.yaml:60:22: targeting.companies: function "read_text" is not allowed`},
		{"getenv", `"getenv('HOME') <> ''"`, `function "getenv" is not allowed`},
		{"union", `"true) UNION SELECT * FROM read_csv('fixtures/people_crm.csv') WHERE (true"`, "targeting.companies: must be one expression"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := workspace(t)
			p := filepath.Join(dir, "pipeline.yaml")
			b, _ := os.ReadFile(p)
			if !strings.Contains(string(b), good) {
				t.Fatalf("pipeline.yaml has no %s", good)
			}
			if err := os.WriteFile(p, []byte(strings.Replace(string(b), good, tc.pred, 1)), 0o600); err != nil {
				t.Fatal(err)
			}
			// sar checks the predicate on the warehouse it opens
			// (config.LoadDeferred), with the same message
			for _, cmd := range [][]string{{"validate"}, {"run"}, {"sar", "--email", "jo@example.com"}} {
				r := pipeline(t, dir, cmd...)
				if r.code != 2 || !strings.Contains(r.stderr, tc.want) {
					t.Errorf("%s: exit %d, stderr:\n%s\nwant exit 2 and %q", cmd, r.code, r.stderr, tc.want)
				}
				if strings.Contains(r.stderr+r.stdout, "@northwind") || strings.Contains(r.stderr+r.stdout, "root:") {
					t.Errorf("%s leaked file content:\n%s", cmd, r.stderr)
				}
			}
		})
	}
}

// TestPredicateDataErrorHidden: a predicate that fails on the company data
// (a conversion error) stops the run without quoting the value.
func TestPredicateDataErrorHidden(t *testing.T) {
	dir := workspace(t)
	p := filepath.Join(dir, "pipeline.yaml")
	b, _ := os.ReadFile(p)
	s := strings.Replace(string(b), `"country IN ('GB','IE') AND employees >= 50"`, `"CAST(name AS INTEGER) = 1"`, 1)
	if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
	r := pipeline(t, dir, "run")
	if r.code == 0 || !strings.Contains(r.stderr, "Conversion Error") || !strings.Contains(r.stderr, "the value is not shown") {
		t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	if strings.Contains(r.stderr, "Northwind") || strings.Contains(r.stderr, "Could not convert") {
		t.Errorf("the error quoted a company's value:\n%s", r.stderr)
	}
}
