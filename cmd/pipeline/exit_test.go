package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/example/pipeline/pipeline/warehouse"
)

// TestFailureStyle: the last --log-format on the command line decides
// whether the final error is JSON, in every spelling flag accepts.
func TestFailureStyle(t *testing.T) {
	tests := []struct {
		give []string
		want bool
	}{
		{[]string{"run"}, false},
		{[]string{"run", "--log-format", "json"}, true},
		{[]string{"run", "-log-format", "json"}, true},
		{[]string{"run", "--log-format=json"}, true},
		{[]string{"run", "--log-format", "json", "--log-format", "console"}, false},
		{[]string{"run", "--log-format"}, false},
		{[]string{"query", "SELECT '--log-format json'"}, false},
		{[]string{"run", "--", "--log-format", "json"}, false},
	}
	for _, tt := range tests {
		if got := failure(tt.give).json; got != tt.want {
			t.Errorf("failure(%q).json = %v, want %v", tt.give, got, tt.want)
		}
	}
}

// TestExitCodeJSON: the final error as one JSON event with exit_code, and
// the code itself, for a usage error and a runtime failure.
func TestExitCodeJSON(t *testing.T) {
	for _, tt := range []struct {
		err  error
		code int
	}{
		{usagef("--format %q: want table or json", "xml"), 2},
		{fmt.Errorf("run: %w", warehouse.ErrBusy), 1},
	} {
		var b bytes.Buffer
		if got := exitCode(tt.err, &b, failureStyle{command: "run", json: true}); got != tt.code {
			t.Errorf("%v: exit %d, want %d", tt.err, got, tt.code)
		}
		var ev struct {
			Level    string `json:"level"`
			ExitCode int    `json:"exit_code"`
			Error    string `json:"error"`
		}
		if err := json.Unmarshal(b.Bytes(), &ev); err != nil || ev.Level != "error" || ev.ExitCode != tt.code || ev.Error != tt.err.Error() {
			t.Errorf("%v: event %s (%v)", tt.err, b.String(), err)
		}
	}
	if got := exitCode(errors.New("x"), &bytes.Buffer{}, failureStyle{}); got != 1 {
		t.Errorf("plain runtime failure: exit %d", got)
	}
}
