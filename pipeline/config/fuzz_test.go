package config

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// fuzzSecret is what every ${VAR} expands to in FuzzParse: no diagnostic
// may carry it (a config's environment holds passwords).
const fuzzSecret = "pw-7f3a9c"

// FuzzParse decodes arbitrary bytes as pipeline.yaml. Properties: no
// panic; an error is always Diagnostics, each positioned within the file
// ("file:line:col", line >= 1) with a message, never carrying an expanded
// ${VAR}'s value; a config that loads holds what its users rely on
// (every source named, of a known role, reject limits within [0, 1],
// every export's campaign defined). The seed corpus is
// testdata/fuzz/FuzzParse plus the files below.
func FuzzParse(f *testing.F) {
	for _, p := range []string{"testdata/valid.yaml", "../../pipeline.yaml"} {
		b, err := os.ReadFile(filepath.FromSlash(p))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(base))
	f.Add([]byte(base + "limits: {max_reject_rate: 0.5}\n"))
	f.Add([]byte(strings.Replace(base, "people: {role: people, connector: csv, retention: 12 months}", "people: {role: suppression, kind: email, reason: unsubscribe, connector: csv, max_reject_rate: 0.1, options: {path: ${P}}}", 1)))
	f.Add([]byte("a: &x [*x]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		getenv := func(string) (string, bool) { return fuzzSecret, true }
		c, err := Parse("f.yaml", data, getenv)
		if err != nil {
			var ds Diagnostics
			if !errors.As(err, &ds) || len(ds) == 0 {
				t.Fatalf("error %v (%T) is not Diagnostics", err, err)
			}
			lines := bytes.Count(data, []byte("\n")) + 2
			for _, d := range ds {
				if d.File != "f.yaml" || d.Line < 1 || d.Col < 1 || d.Line > lines || d.Msg == "" {
					t.Fatalf("diagnostic %+v is not positioned in the file's %d lines", d, lines)
				}
				if strings.Contains(d.Msg, fuzzSecret) && !bytes.Contains(data, []byte(fuzzSecret)) {
					t.Fatalf("diagnostic carries an expanded variable: %s", d.Msg)
				}
			}
			return
		}
		if c == nil {
			t.Fatal("nil config without an error")
		}
		checkLoaded(t, c)
	})
}

// checkLoaded checks what every user of a loaded Config relies on.
func checkLoaded(t *testing.T, c *Config) {
	t.Helper()
	if len(c.SourceOrder) != len(c.Sources) {
		t.Fatalf("%d sources in order, %d by name", len(c.SourceOrder), len(c.Sources))
	}
	if r := c.Limits.MaxRejectRate; r < 0 || r > 1 {
		t.Fatalf("limits.max_reject_rate %v", r)
	}
	for _, name := range c.SourceOrder {
		s := c.Sources[name]
		if s == nil || s.Name != name || !slices.Contains(SourceRoles, s.Role) || s.Connector == "" {
			t.Fatalf("source %q: %+v", name, s)
		}
		if r := c.RejectLimit(s); r < 0 || r > 1 {
			t.Fatalf("source %q: reject limit %v", name, r)
		}
		if s.Role == RoleSuppression && s.MaxRejectRate == nil && c.RejectLimit(s) != 0 {
			t.Fatalf("suppression list %q does not fail closed", name)
		}
	}
	for _, name := range c.ExportOrder {
		if _, ok := c.Campaigns[c.Exports[name].Campaign]; !ok {
			t.Fatalf("export %q: campaign %q not defined", name, c.Exports[name].Campaign)
		}
	}
}
