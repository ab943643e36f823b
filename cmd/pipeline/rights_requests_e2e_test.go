package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestRequestsRegister (issue 20 item 8): every rights request is
// registered with its received and due dates (one calendar month) and the
// identity check (required for access and erasure); sar and erase answer
// it with --request ID (refused for a request of another type or
// subject); `requests --overdue` exits 1 while an open request is late.
func TestRequestsRegister(t *testing.T) {
	dir := workspace(t)
	mustPipeline(t, dir, "run")
	if r := pipeline(t, dir, "requests", "add", "--type", "access", "--email", sarEmail); r.code != 2 || !strings.Contains(r.stderr, "--identity is required") {
		t.Errorf("access request without an identity check: exit %d\n%s", r.code, r.stderr)
	}
	r := mustPipeline(t, dir, "requests", "add", "--type", "access", "--email", sarCRMForm, "--received", "2025-01-31", "--identity", "reply from the address on file, ticket 4411")
	if !strings.HasPrefix(r.stdout, "REQ-0001:") || !strings.Contains(r.stdout, "due 2025-02-28") {
		t.Errorf("requests add (received 31 January: due the last day of February):\n%s", r.stdout)
	}
	today := time.Now().UTC().Format(time.DateOnly)
	r2 := mustPipeline(t, dir, "requests", "add", "--type", "erasure", "--email", sarEmail, "--identity", "signed letter")
	if strings.Contains(r.stderr+r.stdout+r2.stderr+r2.stdout, "hdixon") {
		t.Errorf("requests add echoes the email:\n%s%s", r.stdout, r.stderr)
	}

	over := pipeline(t, dir, "requests", "--overdue")
	if over.code != 1 || !strings.Contains(over.stdout, "REQ-0001") || strings.Contains(over.stdout, "REQ-0002") {
		t.Errorf("requests --overdue: exit %d, want 1 listing REQ-0001 only\n%s%s", over.code, over.stdout, over.stderr)
	}

	// refused: a request of another type, another subject's request
	if r := pipeline(t, dir, "sar", "--email", sarEmail, "--request", "REQ-0002"); r.code != 2 || r.stdout != "" {
		t.Errorf("sar answering an erasure request: exit %d\n%s", r.code, r.stderr)
	}
	if r := pipeline(t, dir, "sar", "--email", "eoin.davies@northwind-payroll.co.uk", "--request", "REQ-0001"); r.code != 2 {
		t.Errorf("sar of another subject answering REQ-0001: exit %d\n%s", r.code, r.stderr)
	}
	mustPipeline(t, dir, "sar", "--email", sarEmail, "--request", "REQ-0001", "--format", "text")
	if r := pipeline(t, dir, "requests", "--overdue"); r.code != 0 {
		t.Errorf("requests --overdue after the answer: exit %d\n%s", r.code, r.stdout)
	}
	mustPipeline(t, dir, "erase", "--email", sarEmail, "--request", "REQ-0002", "--dry-run")
	if st := requestStatus(t, dir); st["REQ-0002"].Status != "open" {
		t.Errorf("a dry-run erase answered the request: %+v", st["REQ-0002"])
	}
	mustPipeline(t, dir, "erase", "--email", sarEmail, "--request", "REQ-0002", "--yes")
	st := requestStatus(t, dir)
	if a := st["REQ-0001"]; a.Status != "answered" || strings.Join(a.AnsweredBy, ",") != "sar" || a.Received != "2025-01-31T00:00:00Z" {
		t.Errorf("REQ-0001 after the sar: %+v", a)
	}
	if e := st["REQ-0002"]; e.Status != "answered" || strings.Join(e.AnsweredBy, ",") != "erase" || !strings.HasPrefix(e.Received, today) || e.IdentityCheck != "signed letter" {
		t.Errorf("REQ-0002 after the erase: %+v", e)
	}
	// a restriction needs no identity check; restrict answers it
	mustPipeline(t, dir, "requests", "add", "--type", "restriction", "--email", restricted)
	mustPipeline(t, dir, "restrict", "--email", restricted, "--request", "REQ-0003")
	if st := requestStatus(t, dir)["REQ-0003"]; st.Status != "answered" || strings.Join(st.AnsweredBy, ",") != "restrict" {
		t.Errorf("REQ-0003 after restrict: %+v", st)
	}
	audit := mustPipeline(t, dir, "audit", "--subject-key", sarKey).stdout
	for _, a := range []string{"request.received", "request.answered"} {
		if !strings.Contains(audit, a) {
			t.Errorf("audit has no %s:\n%s", a, audit)
		}
	}
	mustPipeline(t, dir, "audit", "verify")
}

type requestRow struct {
	Status        string   `json:"status"`
	Received      string   `json:"received"`
	IdentityCheck string   `json:"identity_check"`
	AnsweredBy    []string `json:"answered_by"`
}

func requestStatus(t *testing.T, dir string) map[string]requestRow {
	t.Helper()
	var rows []struct {
		ID string `json:"id"`
		requestRow
	}
	out := mustPipeline(t, dir, "requests", "--format", "json").stdout
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("requests json: %v\n%s", err, out)
	}
	m := map[string]requestRow{}
	for _, r := range rows {
		m[r.ID] = r.requestRow
	}
	return m
}
