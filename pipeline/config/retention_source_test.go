package config

import (
	"strings"
	"testing"
)

// TestSourceRetentionRequired: a people or reference source must say how
// long it keeps its data; retention_from takes first_seen or last_seen,
// on those roles only.
func TestSourceRetentionRequired(t *testing.T) {
	people := "{role: people, connector: csv, retention: 12 months}"
	cases := []struct {
		name, give, want string
	}{
		{"people without retention", "{role: people, connector: csv}", `f.yaml:7:3: source "people": missing required key "retention"`},
		{"reference without retention", "{role: reference, connector: csv}", `f.yaml:7:3: source "people": missing required key "retention"`},
		{"people kept forever", "{role: people, connector: csv, retention: forever}", `f.yaml:7:53: source "people": retention must be a period`},
		{"bad retention_from", "{role: people, connector: csv, retention: 12 months, retention_from: loaded}", `f.yaml:7:80: source "people": retention_from "loaded" is not allowed (allowed: first_seen, last_seen)`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("f.yaml", []byte(edit(t, people, c.give)), noEnv)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want %q", err, c.want)
			}
		})
	}
	_, err := Parse("f.yaml", []byte(edit(t, "{role: companies, connector: csv,", "{role: companies, connector: csv, retention_from: last_seen,")), noEnv)
	if err == nil || !strings.Contains(err.Error(), `source "companies": retention_from is only allowed on people and reference sources`) {
		t.Errorf("retention_from on companies: %v", err)
	}
	for give, want := range map[string]string{
		people: RetentionFromFirstSeen,
		"{role: people, connector: csv, retention: 12 months, retention_from: last_seen}":  RetentionFromLastSeen,
		"{role: people, connector: csv, retention: 12 months, retention_from: first_seen}": RetentionFromFirstSeen,
	} {
		c, err := Parse("f.yaml", []byte(edit(t, people, give)), noEnv)
		if err != nil {
			t.Fatalf("%s: %v", give, err)
		}
		if got := c.Sources["people"].RetentionFrom; got != want {
			t.Errorf("%s: RetentionFrom = %q, want %q", give, got, want)
		}
	}
}
