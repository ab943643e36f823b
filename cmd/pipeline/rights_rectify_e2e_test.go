package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/example/pipeline/pipeline/engine"
)

// rectified is the person the rectification test corrects: exported to
// acme_q1, "Chief Financial Officer" in the vendor file.
const rectified = objector

// exportedRow is the subject's row of the acme_q1 export files, as the
// recipient reads them: job_title and last_name ("" when not exported).
func exportedRow(t *testing.T, dir, key string) (title, last string) {
	t.Helper()
	db := suppWarehouse(t, dir)
	defer db.Close()
	glob := filepath.Join(dir, "exports", "acme_q1", "**", "*.parquet")
	q := "SELECT job_title, last_name FROM read_parquet(" + engine.Literal(glob) + ") WHERE subject_key = $1"
	_ = db.QueryRowContext(context.Background(), q, key).Scan(&title, &last)
	return title, last
}

// TestRectifyEndToEnd: `pipeline rectify` corrects the export the
// recipient holds at once, names the recipients to notify and audits it
// (no value in the audit row); the next run, with the vendor's file still
// wrong, keeps the correction in prospects and the export; the SAR says
// "corrected on … at your request"; refused columns exit 2 naming the
// column; an address held nowhere records nothing (exit 1).
func TestRectifyEndToEnd(t *testing.T) {
	dir := workspace(t)
	suppRun(t, dir)
	key := suppKey(t, rectified)
	if title, _ := exportedRow(t, dir, key); title != "Chief Financial Officer" {
		t.Fatalf("run 1: the person under test is not exported as in the vendor file (%q)", title)
	}
	mustPipeline(t, dir, "requests", "add", "--type", "rectification", "--email", rectified)

	// refused before anything is done
	for _, tc := range []struct{ set, want string }{
		{"shoe_size=9", "--set shoe_size"},
		{"department=finance", "--set department"},
		{"_run_id=x", "--set _run_id"},
		{"email=laura.bennett@riverbend-fabrication.co.uk", "pipeline erase"},
	} {
		r := pipeline(t, dir, "rectify", "--email", rectified, "--set", tc.set, "--yes")
		if r.code != 2 || !strings.Contains(r.stderr, tc.want) || strings.Contains(r.stderr, "riverbend") {
			t.Errorf("--set %s: exit %d, want 2 naming %q (and no email)\n%s", tc.set, r.code, tc.want, r.stderr)
		}
	}
	r := pipeline(t, dir, "rectify", "--email", "nobody.here@nowhere-ltd.co.uk", "--set", "job_title=CFO", "--yes")
	if r.code != 1 || !strings.Contains(r.stderr, "nothing is held") {
		t.Errorf("an address held nowhere: exit %d, want 1\n%s", r.code, r.stderr)
	}
	// without --yes: what would change, nothing changed
	r = pipeline(t, dir, "rectify", "--email", rectified, "--set", "job_title=Group Finance Director")
	if r.code != 2 || !strings.Contains(r.stdout, "DRY RUN") {
		t.Errorf("rectify without --yes: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if title, _ := exportedRow(t, dir, key); title != "Chief Financial Officer" {
		t.Errorf("rectify without --yes changed the export (%q)", title)
	}

	r = mustPipeline(t, dir, "rectify", "--email", rectified, "--set", "job_title=Group Finance Director",
		"--set", "last_name=Bennett-Hale", "--yes", "--request", "REQ-0001")
	if !strings.Contains(r.stdout, "Recipients to notify") || !strings.Contains(r.stdout, "Acme Payroll Ltd") || !strings.Contains(r.stdout, "rewritten with the corrected values") {
		t.Errorf("rectify output:\n%s", r.stdout)
	}
	if title, last := exportedRow(t, dir, key); title != "Group Finance Director" || last != "Bennett-Hale" {
		t.Errorf("export right after rectify: %q %q", title, last)
	}
	if st := suppReadState(t, dir); len(st.exported) != 42 {
		t.Errorf("export holds %d subjects after rectify, want 42", len(st.exported))
	}
	if st := requestStatus(t, dir)["REQ-0001"]; st.Status != "answered" || strings.Join(st.AnsweredBy, ",") != "rectify" {
		t.Errorf("REQ-0001 after rectify: %+v", st)
	}
	var entries []struct {
		Action  string         `json:"action"`
		Details map[string]any `json:"details"`
	}
	out := mustPipeline(t, dir, "audit", "--subject-key", key, "--format", "json").stdout
	if err := json.Unmarshal([]byte(out), &entries); err != nil {
		t.Fatal(err)
	}
	audited := false
	for _, e := range entries {
		d := strings.ToLower(jsonText(e.Details))
		if e.Action == "rectify" {
			audited = strings.Contains(d, "acme payroll ltd") && strings.Contains(d, "job_title") && strings.Contains(d, "req-0001")
		}
		if strings.Contains(d, "group finance director") || strings.Contains(d, "bennett-hale") || strings.Contains(d, "riverbend") {
			t.Errorf("audit entry %s holds a personal value: %s", e.Action, d)
		}
	}
	if !audited {
		t.Errorf("no rectify audit entry naming the columns, request and recipient:\n%s", out)
	}

	// the next run: the vendor still says Chief Financial Officer
	suppRun(t, dir)
	if title, last := exportedRow(t, dir, key); title != "Group Finance Director" || last != "Bennett-Hale" {
		t.Errorf("export after the next run: %q %q (the vendor's value came back)", title, last)
	}
	db := suppWarehouse(t, dir)
	var title, sen string
	err := db.QueryRowContext(context.Background(), "SELECT job_title, seniority FROM prospects WHERE subject_key = $1", key).Scan(&title, &sen)
	db.Close()
	if err != nil || title != "Group Finance Director" || sen != "director" {
		t.Errorf("prospects after the next run: %q %q %v", title, sen, err)
	}

	// the SAR: text, JSON, HTML
	today := time.Now().UTC().Format(time.DateOnly)
	text := mustPipeline(t, dir, "sar", "--email", rectified, "--format", "text").stdout
	if !strings.Contains(text, "job_title: corrected on "+today+" at your request (request REQ-0001)") {
		t.Errorf("text SAR without the correction:\n%s", text)
	}
	var rep struct {
		Corrections []struct {
			Column, Value string
			CorrectedAt   time.Time `json:"corrected_at"`
		} `json:"corrections"`
	}
	if err := json.Unmarshal([]byte(mustPipeline(t, dir, "sar", "--email", rectified).stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Corrections) != 2 || rep.Corrections[0].CorrectedAt.Format(time.DateOnly) != today {
		t.Errorf("JSON SAR corrections: %+v", rep.Corrections)
	}
	if html := mustPipeline(t, dir, "sar", "--email", rectified, "--format", "html").stdout; !strings.Contains(html, "Corrections you asked for") || !strings.Contains(html, "at your request") {
		t.Error("HTML SAR without the corrections section")
	}
	mustPipeline(t, dir, "audit", "verify")
}
