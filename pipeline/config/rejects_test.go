package config

import (
	"strings"
	"testing"
)

func TestRejectLimit(t *testing.T) {
	list := `  people: {role: people, connector: csv, retention: 12 months}
  unsub: {role: suppression, kind: email, reason: unsubscribe, connector: csv}
  unsub2: {role: suppression, kind: email, reason: unsubscribe, connector: csv, max_reject_rate: 0.25}
  people2: {role: people, connector: csv, retention: 12 months, max_reject_rate: 0}
`
	c, err := Parse("f.yaml", []byte(strings.Replace(base, "  people: {role: people, connector: csv, retention: 12 months}\n", list, 1)), noEnv)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		give string
		want float64
	}{
		{"people", DefaultMaxRejectRate}, // limits.max_reject_rate
		{"unsub", 0},                     // a suppression list fails closed
		{"unsub2", 0.25},                 // unless it sets its own
		{"people2", 0},
	}
	for _, tt := range tests {
		if got := c.RejectLimit(c.Sources[tt.give]); got != tt.want {
			t.Errorf("RejectLimit(%s) = %v, want %v", tt.give, got, tt.want)
		}
	}
	_, err = Parse("f.yaml", []byte(strings.Replace(base, "people: {role: people, connector: csv, retention: 12 months}", "people: {role: people, connector: csv, retention: 12 months, max_reject_rate: 2}", 1)), noEnv)
	if err == nil || !strings.Contains(err.Error(), "f.yaml:7:81: sources.people.max_reject_rate must be between 0 and 1, not 2") {
		t.Errorf("err = %v", err)
	}
}
