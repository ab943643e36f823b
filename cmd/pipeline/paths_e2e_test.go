package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// editConfig rewrites the workspace's pipeline.yaml, replacing each old
// (which must be present) with new.
func editConfig(t *testing.T, dir string, pairs ...string) {
	t.Helper()
	p := filepath.Join(dir, "pipeline.yaml")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for i := 0; i+1 < len(pairs); i += 2 {
		if !strings.Contains(s, pairs[i]) {
			t.Fatalf("pipeline.yaml has no %q", pairs[i])
		}
		s = strings.Replace(s, pairs[i], pairs[i+1], 1)
	}
	if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestDangerousPaths: a config whose export folder or warehouse would
// replace, delete or overwrite the project, its sources or the warehouse
// is refused at validation with file:line:col (exit 2), and a run leaves
// everything in place.
func TestDangerousPaths(t *testing.T) {
	tests := []struct {
		name  string
		edits []string
		want  string // in stderr
	}{
		{"dir .", []string{"dir: exports/acme_q1", "dir: ."}, `export "acme_q1" sink dir`},
		{"dir fixtures", []string{"dir: exports/acme_q1", "dir: fixtures"}, `contains source "companies" path`},
		{"dir state", []string{"dir: exports/acme_q1", "dir: state"}, "is the warehouse's folder"},
		{"dir ..", []string{"dir: exports/acme_q1", "dir: .."}, "contains the config's folder"},
		{"dir the temp directory", []string{"dir: exports/acme_q1", "dir: state/tmp"}, "is the temp directory"},
		{"warehouse inside the export", []string{"warehouse: state/warehouse.duckdb", "warehouse: exports/acme_q1/w.duckdb"}, `is inside export "acme_q1" sink dir`},
		{"warehouse = a source file", []string{"warehouse: state/warehouse.duckdb", "warehouse: fixtures/people.csv"}, `is source "vendor_people" path`},
	}
	pos := regexp.MustCompile(`pipeline\.yaml:\d+:\d+: `)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := workspace(t)
			people, _ := os.ReadFile(filepath.Join(dir, "fixtures", "people.csv"))
			editConfig(t, dir, tt.edits...)
			for _, cmd := range []string{"validate", "run"} {
				r := pipeline(t, dir, cmd)
				if r.code != 2 || !strings.Contains(r.stderr, tt.want) || !pos.MatchString(r.stderr) {
					t.Fatalf("%s: exit %d; want 2 and file:line:col with %q; stderr:\n%s", cmd, r.code, tt.want, r.stderr)
				}
			}
			for _, f := range []string{"pipeline.yaml", "fixtures/companies.csv"} {
				if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
					t.Errorf("%s: %v", f, err)
				}
			}
			if b, _ := os.ReadFile(filepath.Join(dir, "fixtures", "people.csv")); string(b) != string(people) {
				t.Errorf("fixtures/people.csv changed")
			}
		})
	}
}

// TestSwapOnlyReplacesItsOwnFolder: an export folder that exists but was
// not written by pipeline (no manifest) stops the run before commit,
// naming the path; the folder and the warehouse stay as they were.
func TestSwapOnlyReplacesItsOwnFolder(t *testing.T) {
	dir := workspace(t)
	reports := filepath.Join(dir, "reports")
	if err := os.MkdirAll(reports, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(reports, "q4-board-pack.xlsx"), []byte("keep"), 0o600); err != nil {
		t.Fatal(err)
	}
	editConfig(t, dir, "dir: exports/acme_q1", "dir: reports")
	r := pipeline(t, dir, "run")
	if r.code != 1 || !strings.Contains(r.stderr, reports) || !strings.Contains(r.stderr, "_manifest.json") {
		t.Fatalf("exit %d; want 1 naming %s; stderr:\n%s", r.code, reports, r.stderr)
	}
	if b, err := os.ReadFile(filepath.Join(reports, "q4-board-pack.xlsx")); err != nil || string(b) != "keep" {
		t.Errorf("the user's file: %q, %v", b, err)
	}
	wh := openDB(t, filepath.Join(dir, "state", "warehouse.duckdb"))
	if n := queryStrings(t, wh, "SELECT count(*)::VARCHAR FROM lineage"); n[0] != "0" {
		t.Errorf("lineage rows = %v; want none (the run stopped before commit)", n)
	}
	if st := queryStrings(t, wh, "SELECT status FROM runs"); len(st) != 1 || st[0] != "failed" {
		t.Errorf("runs = %v; want one failed run", st)
	}
}

// TestLockSymlink: a symbolic link in the lock file's place stops the
// command and leaves the file it points at alone.
func TestLockSymlink(t *testing.T) {
	dir := workspace(t)
	people := filepath.Join(dir, "fixtures", "people.csv")
	before, _ := os.ReadFile(people)
	if err := os.MkdirAll(filepath.Join(dir, "state"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(people, filepath.Join(dir, "state", "warehouse.duckdb.lock")); err != nil {
		t.Fatal(err)
	}
	r := pipeline(t, dir, "run")
	if r.code != 1 || !strings.Contains(r.stderr, "symbolic link") {
		t.Fatalf("exit %d; want 1 naming the symbolic link; stderr:\n%s", r.code, r.stderr)
	}
	if after, _ := os.ReadFile(people); string(after) != string(before) {
		t.Errorf("the link's target was changed (%d bytes, was %d)", len(after), len(before))
	}
}
