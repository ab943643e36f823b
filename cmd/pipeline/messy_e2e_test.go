package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/example/pipeline/pipeline/flow"
)

// secret is in every line a messy case plants: no error, log or runs.error
// may carry it (the line stays only in the rejects table).
const secret = "SECRETLINECONTENT"

// fixtureLines returns a fixture's lines without their endings.
func fixtureLines(t *testing.T, name string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot(t), "fixtures", name))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimRight(string(b), "\n"), "\n")
}

// messyReject is one row of the rejects table.
type messyReject struct {
	Source, ErrorType string
	Line              int64
	RawNull           bool
}

// messyState is what a case left in the warehouse.
type messyState struct {
	rejects  []messyReject
	runError string // the last run's runs.error
	names    []string
}

func messyRead(t *testing.T, dir string) messyState {
	t.Helper()
	var st messyState
	if _, err := os.Stat(filepath.Join(dir, "state", "warehouse.duckdb")); err != nil {
		return st
	}
	db := suppWarehouse(t, dir)
	defer db.Close()
	ctx := context.Background()
	rows, err := db.QueryContext(ctx, "SELECT source, line, error_type, raw_line IS NULL FROM rejects ORDER BY source, line")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var r messyReject
		if err := rows.Scan(&r.Source, &r.Line, &r.ErrorType, &r.RawNull); err != nil {
			t.Fatal(err)
		}
		st.rejects = append(st.rejects, r)
	}
	rows.Close()
	_ = db.QueryRowContext(ctx, "SELECT coalesce(error, '') FROM runs ORDER BY started_at DESC LIMIT 1").Scan(&st.runError)
	if rows, err := db.QueryContext(ctx, "SELECT first_name FROM raw_vendor_people"); err == nil {
		for rows.Next() {
			var n *string
			_ = rows.Scan(&n)
			if n != nil {
				st.names = append(st.names, *n)
			}
		}
		rows.Close()
	}
	return st
}

// rejectsOf returns the lines rejected for a source.
func (st messyState) rejectsOf(source string) []messyReject {
	var out []messyReject
	for _, r := range st.rejects {
		if r.Source == source {
			out = append(out, r)
		}
	}
	return out
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

const peopleOpts = "options: {path: fixtures/people.csv}"

// TestMessyFiles runs every messy-file case of issue 19 (items 4 and 5) on
// the real binary: each one failed before csvread and the fail-closed
// suppression lists.
func TestMessyFiles(t *testing.T) {
	people := fixtureLines(t, "people.csv")
	companies := fixtureLines(t, "companies.csv")
	unsubs := fixtureLines(t, "unsubscribes.csv")
	withLine := func(lines []string, i int, line string) string {
		out := append([]string(nil), lines...)
		out[i] = line
		return strings.Join(out, "\n") + "\n"
	}
	// fixtures/people.csv's line 11 is malformed (an unquoted comma)
	const fixtureReject = 11
	badUnsubs := strings.Join(append(append([]string(nil), unsubs...),
		"eoin.davies@northwind-payroll.co.uk,"+secret, // an extra field: line 12
		`"rory.parker@northwind-payroll.co.uk`+secret, // an unterminated quote: line 13
	), "\n") + "\n"

	tests := []struct {
		name  string
		setup func(t *testing.T, dir string)
		args  []string
		code  int
		want  []string // in stdout+stderr
		check func(t *testing.T, dir string, st messyState, out string)
	}{
		{
			name: "mixed line endings are read",
			setup: func(t *testing.T, dir string) {
				write(t, filepath.Join(dir, "fixtures", "people.csv"), people[0]+"\r\n"+strings.Join(people[1:], "\n")+"\n")
			},
			check: func(t *testing.T, dir string, st messyState, out string) {
				if r := validate(t, dir); r.code != 0 {
					t.Errorf("validate: exit %d: %s", r.code, r.stderr)
				}
				if got := st.rejectsOf("vendor_people"); len(got) != 1 || got[0].Line != fixtureReject {
					t.Errorf("rejects = %+v, want only line %d", got, fixtureReject)
				}
				if len(st.names) != len(people)-2 {
					t.Errorf("%d people staged, want %d", len(st.names), len(people)-2)
				}
			},
		},
		{
			name: "a line short of fields is one reject and the rate counts lines",
			setup: func(t *testing.T, dir string) {
				write(t, filepath.Join(dir, "fixtures", "companies.csv"), withLine(companies, 20, "Short Ltd,"+secret+",Software"))
			},
			check: func(t *testing.T, dir string, st messyState, out string) {
				if got := st.rejectsOf("companies"); len(got) != 1 || got[0].Line != 21 || got[0].ErrorType != "MISSING COLUMNS" {
					t.Errorf("rejects = %+v, want one MISSING COLUMNS at line 21", got)
				}
			},
		},
		{
			name: "a header cut to 3 columns counts lines, not errors",
			setup: func(t *testing.T, dir string) {
				write(t, filepath.Join(dir, "fixtures", "people.csv"), "first_name,last_name,email\n"+strings.Join(people[1:], "\n")+"\n")
			},
			code: 1,
			want: []string{`source "vendor_people": 250 of 250 lines (100.0%) rejected`, "people.csv line 2: too many columns"},
			check: func(t *testing.T, dir string, st messyState, out string) {
				if n := len(st.rejectsOf("vendor_people")); n != 250 {
					t.Errorf("%d rejects, want 250 (one a line)", n)
				}
			},
		},
		{
			name: "a 10 MB field is a reject at its true line, its content nowhere else",
			setup: func(t *testing.T, dir string) {
				big := "Big,Field,big@northwind-payroll.co.uk,CFO,northwind-payroll.co.uk,,,GB," + strings.Repeat(secret, 10<<20/len(secret))
				write(t, filepath.Join(dir, "fixtures", "people.csv"), withLine(people, 30, big))
				editConfig(t, dir, "limits: {max_reject_rate: 0.05}", "limits: {max_reject_rate: 0.001}")
			},
			args: []string{"run", "--log-format", "json"},
			code: 1,
			want: []string{"people.csv line 31: line size over maximum"},
			check: func(t *testing.T, dir string, st messyState, out string) {
				got := st.rejectsOf("vendor_people")
				if len(got) != 2 || got[1].Line != 31 || got[1].ErrorType != "LINE SIZE OVER MAXIMUM" {
					t.Errorf("rejects = %+v, want lines 11 and 31", got)
				}
				if strings.Contains(st.runError, "Line: 1") || !strings.Contains(st.runError, "line 31") {
					t.Errorf("runs.error = %q, want line 31", st.runError)
				}
			},
		},
		{
			name: "a wrong encoding is a data error that prints no line",
			setup: func(t *testing.T, dir string) {
				write(t, filepath.Join(dir, "fixtures", "people.csv"), withLine(people, 5, "Ann,Lee,ann@northwind-payroll.co.uk,CFO,northwind-payroll.co.uk,,,GB,"+secret))
				editConfig(t, dir, peopleOpts, "options: {path: fixtures/people.csv, encoding: utf-16}")
			},
			code: 1,
			want: []string{"people.csv: the file is not UTF-16", "encoding"},
		},
		{
			name: "a UTF-16 file read as UTF-8 stops at its header, printing no line",
			setup: func(t *testing.T, dir string) {
				write(t, filepath.Join(dir, "fixtures", "people.csv"), utf16(withLine(people, 5, "Ann,Lee,ann@x.co.uk,CFO,x.co.uk,,,GB,"+secret)))
			},
			code: 1,
			want: []string{"people.csv line 1: the header line holds control character 0x00", "encoding: utf-16"},
		},
		{
			name: "a header column named like an internal column is a config error",
			setup: func(t *testing.T, dir string) {
				lines := []string{people[0] + ",_bucket"}
				for _, l := range people[1:] {
					lines = append(lines, l+",7")
				}
				write(t, filepath.Join(dir, "fixtures", "people.csv"), strings.Join(lines, "\n")+"\n")
			},
			code: 2,
			want: []string{`pipeline.yaml:`, `column "_bucket": names beginning with _ are the pipeline's own`},
			check: func(t *testing.T, dir string, st messyState, out string) {
				if strings.Contains(out, "Catalog Error") {
					t.Errorf("a raw Catalog Error:\n%s", out)
				}
			},
		},
		{
			name: "a NUL byte rejects its line",
			setup: func(t *testing.T, dir string) {
				write(t, filepath.Join(dir, "fixtures", "people.csv"), withLine(people, 40, "Nu\x00ll,"+secret+",nul@northwind-payroll.co.uk,CFO,northwind-payroll.co.uk,,,GB,"))
			},
			check: func(t *testing.T, dir string, st messyState, out string) {
				got := st.rejectsOf("vendor_people")
				if len(got) != 2 || got[1].Line != 41 || !strings.HasPrefix(got[1].ErrorType, "CONTROL CHARACTER") {
					t.Errorf("rejects = %+v, want lines 11 and 41 (control character)", got)
				}
				for _, n := range st.names {
					if strings.ContainsRune(n, 0) {
						t.Errorf("a NUL reached raw_vendor_people: %q", n)
					}
				}
			},
		},
		{
			name: "a malformed suppression list stops the run before export",
			setup: func(t *testing.T, dir string) {
				write(t, filepath.Join(dir, "fixtures", "unsubscribes.csv"), badUnsubs)
			},
			code: 1,
			want: []string{`suppression list "unsubscribes": 2 of 12 lines rejected`, "unsubscribes.csv line 12: too many columns", "unsubscribes.csv line 13: unquoted value"},
			check: func(t *testing.T, dir string, st messyState, out string) {
				if _, err := os.Stat(filepath.Join(dir, "exports", "acme_q1")); !os.IsNotExist(err) {
					t.Errorf("an export was written: %v", err)
				}
				checkListRejects(t, st, "unsubscribes", 12, 13)
			},
		},
		{
			name: "a suppression list with its own max_reject_rate counts its rejects",
			setup: func(t *testing.T, dir string) {
				write(t, filepath.Join(dir, "fixtures", "unsubscribes.csv"), badUnsubs)
				editConfig(t, dir, "options: {path: fixtures/unsubscribes.csv}", "options: {path: fixtures/unsubscribes.csv}\n    max_reject_rate: 0.2")
			},
			args: []string{"run", "--format", "json"},
			check: func(t *testing.T, dir string, st messyState, out string) {
				checkListRejects(t, st, "unsubscribes", 12, 13)
				var rep flow.Report
				if err := json.Unmarshal([]byte(out), &rep); err != nil {
					t.Fatalf("report: %v\n%s", err, out)
				}
				found := false
				for _, s := range rep.Stages {
					if s.Step == "unsubscribes" {
						found = true
						if s.Rejected != 2 || s.RowsIn != 12 {
							t.Errorf("report row %+v, want 2 rejected of 12", s)
						}
					}
				}
				if !found {
					t.Errorf("no report row for unsubscribes:\n%s", out)
				}
			},
		},
		{
			name: "suppress import refuses a list with malformed lines",
			setup: func(t *testing.T, dir string) {
				write(t, filepath.Join(dir, "fixtures", "unsubscribes.csv"), badUnsubs)
			},
			args: []string{"suppress", "import", "fixtures/unsubscribes.csv", "--kind", "email", "--reason", "unsubscribe"},
			code: 1,
			want: []string{"2 lines rejected", "unsubscribes.csv line 12: too many columns", "line 13: unquoted value", "nothing imported"},
			check: func(t *testing.T, dir string, st messyState, out string) {
				r := mustPipeline(t, dir, "suppress", "import", "fixtures/unsubscribes.csv", "--kind", "email", "--reason", "unsubscribe", "--max-reject-rate", "0.2")
				if !strings.Contains(r.stdout, "2 malformed lines rejected") {
					t.Errorf("import with --max-reject-rate: %s", r.stdout)
				}
				checkListRejects(t, messyRead(t, dir), "import:unsubscribes", 12, 13)
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := workspace(t)
			tt.setup(t, dir)
			args := tt.args
			if args == nil {
				args = []string{"run"}
			}
			r := pipeline(t, dir, args...)
			out := r.stdout + r.stderr
			if r.code != tt.code {
				t.Fatalf("exit %d, want %d\n%s", r.code, tt.code, out)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			st := messyRead(t, dir)
			for what, s := range map[string]string{"output": out, "runs.error": st.runError} {
				if strings.Contains(s, secret) || strings.Contains(s, "ann@") || strings.Contains(s, "rory.parker") {
					t.Errorf("%s carries a line's content:\n%.2000s", what, s)
				}
			}
			if tt.check != nil {
				tt.check(t, dir, st, r.stdout)
			}
		})
	}
}

// checkListRejects asserts a suppression list's rejected lines are in
// rejects, one a line, without their content.
func checkListRejects(t *testing.T, st messyState, source string, lines ...int64) {
	t.Helper()
	got := st.rejectsOf(source)
	if len(got) != len(lines) {
		t.Fatalf("rejects of %s = %+v, want lines %v", source, got, lines)
	}
	for i, r := range got {
		if r.Line != lines[i] || !r.RawNull {
			t.Errorf("reject %+v, want line %d without its content", r, lines[i])
		}
	}
}

func validate(t *testing.T, dir string) result { return pipeline(t, dir, "validate") }

// utf16 encodes ASCII text as UTF-16LE with a byte-order mark.
func utf16(s string) string {
	b := []byte{0xff, 0xfe}
	for i := 0; i < len(s); i++ {
		b = append(b, s[i], 0)
	}
	return string(b)
}
