package main

import (
	"encoding/csv"
	"encoding/json"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestExitCodes: every usage and config error exits 2 (the README's
// promise), for every command that takes -f, unknown flags, unknown
// --format values and stray arguments; a runtime failure exits 1.
func TestExitCodes(t *testing.T) {
	dir := workspace(t)
	type tc struct {
		args []string
		want int
	}
	// no warehouse yet: a runtime failure (first, before anything else
	// could create one)
	tests := []tc{{[]string{"query", "SELECT 1"}, 1}}
	withConfig := [][]string{
		{"run"}, {"validate"}, {"catalog"}, {"connectors", "list"}, {"query", "SELECT 1"},
		{"suppress", "list"}, {"suppress", "add", "--email", "x@example.com", "--reason", "complaint"},
		{"suppress", "check", "--email", "x@example.com"}, {"suppress", "remove", "--email", "x@example.com"},
		{"restrict", "--email", "x@example.com"}, {"unrestrict", "--email", "x@example.com"},
		{"object", "--email", "x@example.com"}, {"unobject", "--email", "x@example.com", "--evidence", "e"},
		{"sar", "--email", "x@example.com"}, {"erase", "--email", "x@example.com", "--yes"},
		{"purge"}, {"audit"}, {"audit", "verify"}, {"runs"},
	}
	for _, cmd := range withConfig {
		tests = append(tests,
			tc{append(cmd, "-f", "missing.yaml"), 2},
			tc{append(cmd, "-f", "fixtures"), 2}, // a folder, not a file
			tc{append(cmd, "--no-such-flag"), 2},
			tc{append(cmd, "--log-format", "xml"), 2},
		)
	}
	tests = append(tests,
		tc{[]string{"run", "--only", "bogus"}, 2},
		tc{[]string{"run", "--until", "bogus"}, 2},
		tc{[]string{"run", "--format", "xml"}, 2},
		tc{[]string{"run", "stray"}, 2},
		tc{[]string{"validate", "stray"}, 2},
		tc{[]string{"runs", "--format", "xml"}, 2},
		tc{[]string{"runs", "-n", "many"}, 2},
		tc{[]string{"query", "SELECT 1", "--format", "xml"}, 2},
		tc{[]string{"query"}, 2},
		tc{[]string{"catalog", "--format", "xml"}, 2},
		tc{[]string{"audit", "--format", "xml"}, 2},
		tc{[]string{"purge", "--format", "xml"}, 2},
		tc{[]string{"suppress", "list", "--format", "xml"}, 2},
		tc{[]string{"suppress", "check", "--email", "x@example.com", "--format", "xml"}, 2},
		tc{[]string{"erase", "--email", "x@example.com", "--format", "xml"}, 2},
		tc{[]string{"connectors", "list", "--format", "xml"}, 2},
		tc{[]string{"connectors", "bogus"}, 2},
		tc{[]string{"sar", "--email", "x@example.com", "--format", "xml"}, 2},
		tc{[]string{"version", "--format", "xml"}, 2},
		tc{[]string{"bogus"}, 2},
		tc{[]string{}, 2},
		tc{[]string{"connectors", "--help"}, 0},
		tc{[]string{"run", "--help"}, 0},
		tc{[]string{"connectors", "list"}, 0},
		tc{[]string{"version"}, 0},
	)
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			r := pipeline(t, dir, tt.args...)
			if r.code != tt.want {
				t.Errorf("pipeline %v: exit %d, want %d\nstderr:\n%s", tt.args, r.code, tt.want, r.stderr)
			}
			if tt.want != 0 && strings.TrimSpace(r.stderr) == "" {
				t.Errorf("pipeline %v: exit %d without a word on stderr", tt.args, r.code)
			}
		})
	}
}

// lastJSONEvent is the last line of stderr decoded as a JSON object.
func lastJSONEvent(t *testing.T, stderr string) map[string]any {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	var ev map[string]any
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &ev); err != nil {
		t.Fatalf("last line of stderr is not JSON (%v):\n%s", err, stderr)
	}
	return ev
}

// TestFailureAsJSON: with --log-format json the final error is a JSON log
// event (level error, exit_code) and every stderr line is JSON: the lock
// error of a second run, a config error and an unknown flag. Without it,
// plain text as before. The run's duration field carries its unit.
func TestFailureAsJSON(t *testing.T) {
	dir := workspace(t)
	held := startHeld(t, dir, "classify")
	tests := []struct {
		args     []string
		code     int
		contains string
	}{
		{[]string{"run", "--log-format", "json"}, 1, "warehouse busy"},
		{[]string{"run", "--log-format=json", "-f", "missing.yaml"}, 2, "missing.yaml"},
		{[]string{"run", "--no-such-flag", "--log-format", "json"}, 2, "no-such-flag"},
	}
	for _, tt := range tests {
		r := pipeline(t, dir, tt.args...)
		if r.code != tt.code {
			t.Fatalf("%v: exit %d, want %d\n%s", tt.args, r.code, tt.code, r.stderr)
		}
		for _, l := range strings.Split(strings.TrimSpace(r.stderr), "\n") {
			if !json.Valid([]byte(l)) {
				t.Errorf("%v: stderr line not JSON: %s", tt.args, l)
			}
		}
		ev := lastJSONEvent(t, r.stderr)
		if ev["level"] != "error" || ev["exit_code"] != float64(tt.code) || !strings.Contains(ev["error"].(string), tt.contains) {
			t.Errorf("%v: final event %v, want level error, exit_code %d, error with %q", tt.args, ev, tt.code, tt.contains)
		}
	}
	plain := pipeline(t, dir, "run", "--log-format", "console")
	if plain.code != 1 || !strings.Contains(plain.stderr, "pipeline: ") || json.Valid([]byte(strings.TrimSpace(plain.stderr))) {
		t.Errorf("console: exit %d, stderr %q: want plain text", plain.code, plain.stderr)
	}
	_ = held.cmd.Process.Signal(syscall.SIGINT)
	_ = held.wait(t)

	r := mustPipeline(t, dir, "run", "--log-format", "json")
	var finished map[string]any
	for _, l := range strings.Split(strings.TrimSpace(r.stderr), "\n") {
		var ev map[string]any
		if json.Unmarshal([]byte(l), &ev) == nil && ev["message"] == "run finished" {
			finished = ev
		}
	}
	if finished == nil {
		t.Fatalf("no run finished event:\n%s", r.stderr)
	}
	if _, ok := finished["duration_ms"].(float64); !ok || finished["duration"] != nil {
		t.Errorf("run finished: %v: want duration_ms (a number) and no unit-less duration", finished)
	}
}

// TestQueryFormatsE2E: pipeline query --format on the real binary over a
// real warehouse: a JSON column is a JSON object, a timestamp ISO 8601
// UTC, NULL null in json and empty in csv; table and markdown too.
func TestQueryFormatsE2E(t *testing.T) {
	dir := workspace(t)
	mustPipeline(t, dir, "run")
	stmt := "SELECT run_id, started_at, report::JSON AS report, error FROM runs ORDER BY started_at LIMIT 1"

	var rows []map[string]any
	r := mustPipeline(t, dir, "query", stmt, "--format", "json")
	if err := json.Unmarshal([]byte(r.stdout), &rows); err != nil || len(rows) != 1 {
		t.Fatalf("json: %v, %d rows:\n%s", err, len(rows), r.stdout)
	}
	row := rows[0]
	if ts, _ := row["started_at"].(string); !strings.HasSuffix(ts, "Z") {
		t.Errorf("started_at %v: want ISO 8601 UTC", row["started_at"])
	} else if _, err := time.Parse(time.RFC3339Nano, ts); err != nil {
		t.Errorf("started_at: %v", err)
	}
	rep, ok := row["report"].(map[string]any)
	if !ok || rep["status"] != "succeeded" {
		t.Errorf("report: %#v: want a JSON object with status succeeded", row["report"])
	}
	if v, present := row["error"]; !present || v != nil {
		t.Errorf("error: %v (present %v): want null", v, present)
	}

	r = mustPipeline(t, dir, "query", stmt, "--format", "jsonl")
	if lines := strings.Split(strings.TrimSpace(r.stdout), "\n"); len(lines) != 1 || !json.Valid([]byte(lines[0])) {
		t.Errorf("jsonl: %q", r.stdout)
	}

	r = mustPipeline(t, dir, "query", stmt, "--format", "csv")
	recs, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	if err != nil || len(recs) != 2 {
		t.Fatalf("csv: %v %q", err, r.stdout)
	}
	if recs[0][3] != "error" || recs[1][3] != "" || !json.Valid([]byte(recs[1][2])) || strings.Contains(recs[1][1], "UTC") {
		t.Errorf("csv row %q: want JSON report, ISO time, empty error", recs[1])
	}

	r = mustPipeline(t, dir, "query", stmt, "--format", "table")
	if strings.Contains(r.stdout, "map[") || strings.Contains(r.stdout, "+0000 UTC") || !strings.Contains(r.stdout, `{"`) {
		t.Errorf("table: Go formatting, not JSON/ISO:\n%s", r.stdout)
	}
	r = mustPipeline(t, dir, "query", stmt, "--format", "markdown")
	if !strings.HasPrefix(r.stdout, "| run_id | started_at | report | error |\n| --- |") {
		t.Errorf("markdown:\n%s", r.stdout)
	}
}
