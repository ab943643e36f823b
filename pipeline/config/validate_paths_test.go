package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// pathsConfig is a valid config whose paths the cases below replace.
const pathsConfig = `version: 1
name: t
controller: {name: C, contact: dpo@example.com}
warehouse: WAREHOUSE
exports_dir: exports
sources:
  companies: {role: companies, connector: csv, options: {path: fixtures/companies.csv}}
  people: {role: people, connector: csv, options: {path: fixtures/people.csv}, retention: 1 year}
campaigns:
  c1:
    recipient: R
    purpose: P
    lawful_basis: legitimate_interests
    regions: [GB]
    lia: {assessed_on: 2026-01-02, assessed_by: d, purpose_test: passed, necessity_test: passed, balancing_test: passed, b2b: true}
exports:
  e1:
    campaign: c1
    columns: [email, country]
    sink: {connector: parquet, options: {dir: DIR1}}
  e2:
    campaign: c1
    columns: [email, country]
    sink: {connector: parquet, options: {dir: DIR2}}
`

func TestValidatePaths(t *testing.T) {
	root := t.TempDir()
	proj := filepath.Join(root, "proj")
	for _, d := range []string{"fixtures", "state", "elsewhere"} {
		if err := os.MkdirAll(filepath.Join(proj, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"fixtures/companies.csv", "fixtures/people.csv"} {
		if err := os.WriteFile(filepath.Join(proj, f), []byte("a\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// a link that points into the fixtures: only resolving it shows the overlap
	if err := os.Symlink(filepath.Join(proj, "fixtures"), filepath.Join(proj, "elsewhere", "link")); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name                  string
		warehouse, dir1, dir2 string
		wantLine              int    // 0: valid
		want                  string // in the message
	}{
		{name: "default layout", warehouse: "state/warehouse.duckdb", dir1: "exports/e1", dir2: "exports/e2"},
		{name: "warehouse beside the config", warehouse: "w.duckdb", dir1: "exports/e1", dir2: "out/e2"},
		{name: "dir .", warehouse: "state/w.duckdb", dir1: ".", dir2: "exports/e2", wantLine: 20, want: "is the config's folder"},
		{name: "dir ..", warehouse: "state/w.duckdb", dir1: "..", dir2: "exports/e2", wantLine: 20, want: "contains the config's folder"},
		{name: "dir fixtures", warehouse: "state/w.duckdb", dir1: "fixtures", dir2: "exports/e2", wantLine: 20, want: `contains source "companies" path`},
		{name: "dir inside a source folder via a link", warehouse: "state/w.duckdb", dir1: "elsewhere/link", dir2: "exports/e2", wantLine: 20, want: `contains source "companies" path`},
		{name: "dir state", warehouse: "state/w.duckdb", dir1: "state", dir2: "exports/e2", wantLine: 20, want: "is the warehouse's folder"},
		{name: "dir the raw files", warehouse: "state/w.duckdb", dir1: "state/w.duckdb.raw", dir2: "exports/e2", wantLine: 20, want: "is the warehouse's .raw files"},
		{name: "dir the temp directory", warehouse: "state/w.duckdb", dir1: "state/tmp/x", dir2: "exports/e2", wantLine: 20, want: "is inside the temp directory"},
		{name: "dir in a sibling of the warehouse is fine", warehouse: "state/w.duckdb", dir1: "state/out", dir2: "exports/e2"},
		{name: "same dir twice", warehouse: "state/w.duckdb", dir1: "exports/e1", dir2: "exports/./e1", wantLine: 20, want: `is export "e2" sink dir`},
		{name: "dir inside another", warehouse: "state/w.duckdb", dir1: "exports/e1", dir2: "exports/e1/sub", wantLine: 20, want: `contains export "e2" sink dir`},
		{name: "dir = exports_dir", warehouse: "state/w.duckdb", dir1: "exports", dir2: "exports/e2", wantLine: 20, want: "is exports_dir"},
		{name: "warehouse inside an export", warehouse: "exports/e1/w.duckdb", dir1: "exports/e1", dir2: "exports/e2", wantLine: 4, want: `is inside export "e1" sink dir`},
		{name: "warehouse = a source file", warehouse: "fixtures/people.csv", dir1: "exports/e1", dir2: "exports/e2", wantLine: 4, want: `is source "people" path`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			y := strings.NewReplacer("WAREHOUSE", tt.warehouse, "DIR1", tt.dir1, "DIR2", tt.dir2).Replace(pathsConfig)
			_, err := Parse(filepath.Join(proj, "pipeline.yaml"), []byte(y), noEnv)
			if tt.wantLine == 0 {
				if err != nil {
					t.Fatalf("want valid, got %v", err)
				}
				return
			}
			var ds Diagnostics
			if !errors.As(err, &ds) {
				t.Fatalf("want diagnostics, got %v", err)
			}
			for _, d := range ds {
				if d.Line == tt.wantLine && strings.Contains(d.Msg, tt.want) {
					return
				}
			}
			t.Errorf("want a diagnostic at line %d containing %q; got:\n%v", tt.wantLine, tt.want, err)
		})
	}
}
