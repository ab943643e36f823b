package config

import (
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestExpandEnv(t *testing.T) {
	env := map[string]string{"HOST": "db.internal", "EMPTY": "", "PASS": "s3cr$t"}
	getenv := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	tests := []struct {
		give         string
		want         string
		wantProblems []string
	}{
		{"plain", "plain", nil},
		{"postgres://${HOST}:5432/x", "postgres://db.internal:5432/x", nil},
		{"${HOST}${HOST}", "db.internal" + "db.internal", nil},
		{"a${EMPTY}b", "ab", nil},
		{"cost $$5 and $HOST", "cost $5 and $HOST", nil},
		{"$${HOST}", "${HOST}", nil},
		{"${PASS}", "s3cr$t", nil},
		{"trailing $", "trailing $", nil},
		{"${NOPE}/x", "/x", []string{`environment variable "NOPE" is not set`}},
		{"${bad name}", "", []string{"invalid ${...} reference (a variable name is letters, digits and _; write $$ for a literal $)"}},
		{"x${HOST", "x", []string{"unterminated ${ (write $$ for a literal $)"}},
	}
	for _, tt := range tests {
		got, problems := expandEnv(tt.give, getenv)
		if got != tt.want || !reflect.DeepEqual(problems, tt.wantProblems) {
			t.Errorf("expandEnv(%q) = %q, %q; want %q, %q", tt.give, got, problems, tt.want, tt.wantProblems)
		}
	}
}

func TestOptionsExpansionAndPaths(t *testing.T) {
	give := edit(t,
		"warehouse: w.duckdb", "warehouse: ${STATE}/w.duckdb\nexports_dir: /srv/out",
		"{role: people, connector: csv, retention: 12 months}", `{role: people, connector: postgres, retention: 12 months, options: {dsn: "postgres://u:${PG_PASS}@h/db", port: 5432, tls: true, price: "$$5", file: "${DATA}/p.csv", nested: {path: rel/x, list: ["${DATA}"]}}}`,
		"{path: c.csv}", "{path: c.csv, dir: /abs/dir, url: https://x/y}",
		"sink: {connector: parquet}", "sink: {connector: parquet, options: {dir: out/e1}}",
	)
	env := map[string]string{"STATE": "state", "PG_PASS": "hunter2", "DATA": "data"}
	c, err := Parse("conf/f.yaml", []byte(give), func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	dir, _ := filepath.Abs("conf")
	people := c.Sources["people"]
	checks := []struct {
		name      string
		got, want any
	}{
		{"dir", c.Dir, dir},
		{"warehouse", c.Warehouse, filepath.Join(dir, "state/w.duckdb")},
		{"temp default", c.Engine.TempDirectory, filepath.Join(dir, "state/tmp")},
		{"exports_dir absolute", c.ExportsDir, "/srv/out"},
		{"options", people.Options, map[string]any{
			"dsn": "postgres://u:hunter2@h/db", "port": 5432, "tls": true, "price": "$5",
			"file":   filepath.Join(dir, "data/p.csv"),
			"nested": map[string]any{"path": "rel/x", "list": []any{"data"}},
		}},
		{"raw options", people.RawOptions, map[string]any{
			"dsn": "postgres://u:${PG_PASS}@h/db", "port": 5432, "tls": true, "price": "$$5",
			"file":   "${DATA}/p.csv",
			"nested": map[string]any{"path": "rel/x", "list": []any{"${DATA}"}},
		}},
		{"companies options", c.Sources["companies"].Options, map[string]any{"path": filepath.Join(dir, "c.csv"), "dir": "/abs/dir", "url": "https://x/y"}},
		{"sink options", c.Exports["e1"].Sink.Options, map[string]any{"dir": filepath.Join(dir, "out/e1")}},
		{"defaults", [3]float64{c.Limits.MaxRejectRate, float64(c.Classification.SampleSize), c.Classification.Threshold}, [3]float64{0.05, 1000, 0.8}},
	}
	for _, tt := range checks {
		if !reflect.DeepEqual(tt.got, tt.want) {
			t.Errorf("%s:\n got %#v\nwant %#v", tt.name, tt.got, tt.want)
		}
	}
}

// An unset variable is reported by name; values of other options, set or
// not, never reach a diagnostic.
func TestDiagnosticsHideValues(t *testing.T) {
	give := edit(t, "{role: people, connector: csv, retention: 12 months}",
		`{role: people, connector: postgres, retention: 12 months, options: {dsn: "postgres://u:${PG_PASS}@h/db", token: "${TOKEN}"}}`,
		"version: 1", "version: 9")
	_, err := Parse("f.yaml", []byte(give), func(k string) (string, bool) {
		if k == "PG_PASS" {
			return "hunter2", true
		}
		return "", false
	})
	var ds Diagnostics
	if !errors.As(err, &ds) {
		t.Fatalf("err = %v, want Diagnostics", err)
	}
	msg := ds.Error()
	want := "f.yaml:1:10: version 9 is not supported (want 1)\n" +
		`f.yaml:7:123: sources.people.options.token: environment variable "TOKEN" is not set`
	if msg != want {
		t.Errorf("got:\n%s\nwant:\n%s", msg, want)
	}
	for _, secret := range []string{"hunter2", "postgres://"} {
		if strings.Contains(msg, secret) {
			t.Errorf("diagnostics leak %q:\n%s", secret, msg)
		}
	}
}

func TestDiagnosticsSorted(t *testing.T) {
	ds := Diagnostics{
		{File: "b.yaml", Line: 1, Col: 1, Msg: "z"},
		{File: "a.yaml", Line: 10, Col: 2, Msg: "y"},
		{File: "a.yaml", Line: 2, Col: 7, Msg: "x"},
		{File: "a.yaml", Line: 2, Col: 3, Msg: "w"},
	}
	want := "a.yaml:2:3: w\na.yaml:2:7: x\na.yaml:10:2: y\nb.yaml:1:1: z"
	if got := ds.Error(); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}
