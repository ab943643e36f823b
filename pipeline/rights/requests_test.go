package rights

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/example/pipeline/pipeline/audit"
)

// TestDueDate: one calendar month, the last day of a shorter month, and
// the extension to three months.
func TestDueDate(t *testing.T) {
	d := func(s string) time.Time {
		v, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, tc := range []struct {
		received string
		months   int
		want     string
	}{
		{"2026-09-03", 1, "2026-10-03"},
		{"2025-01-31", 1, "2025-02-28"},
		{"2024-01-31", 1, "2024-02-29"},
		{"2026-12-15", 1, "2027-01-15"},
		{"2026-11-30", 3, "2027-02-28"},
		{"2026-03-31", 1, "2026-04-30"},
	} {
		if got := DueDate(d(tc.received), tc.months).Format(time.DateOnly); got != tc.want {
			t.Errorf("DueDate(%s, %d) = %s, want %s", tc.received, tc.months, got, tc.want)
		}
	}
}

// TestAddRequestChecks: an unknown type is refused, and access and
// erasure (which disclose or destroy a person's data) need the identity
// check; the other types do not.
func TestAddRequestChecks(t *testing.T) {
	ctx := context.Background()
	_, c := peopleWarehouse(t)
	received := time.Date(2026, 9, 3, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		typ, identity string
		needs         bool   // NeedsIdentity(typ)
		wantErr       string // "" = registered
	}{
		{typ: "access", identity: "passport seen by the DPO", needs: true},
		{typ: "access", identity: "", needs: true, wantErr: "needs the identity check"},
		{typ: "erasure", identity: "  ", needs: true, wantErr: "needs the identity check"},
		{typ: "erasure", identity: "reply from the address on file", needs: true},
		{typ: "restriction"},
		{typ: "objection"},
		{typ: "rectification"},
		{typ: "portability", wantErr: `request type "portability"`},
	} {
		if got := NeedsIdentity(tc.typ); got != tc.needs {
			t.Errorf("NeedsIdentity(%s) = %v, want %v", tc.typ, got, tc.needs)
		}
		r, err := AddRequest(ctx, c, Request{Type: tc.typ, SubjectKey: fxKey, Received: received, IdentityCheck: tc.identity}, received)
		switch {
		case tc.wantErr != "":
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%s with identity %q: error %v, want %q", tc.typ, tc.identity, err, tc.wantErr)
			}
		case err != nil:
			t.Errorf("%s with identity %q: %v", tc.typ, tc.identity, err)
		case r.Status != "open" || r.Due.Format(time.DateOnly) != "2026-10-03" || !strings.HasPrefix(r.ID, "REQ-"):
			t.Errorf("%s registered as %+v", tc.typ, r)
		}
	}
	// only the five accepted requests are in the register, numbered in turn
	all, err := Requests(ctx, c, received, false, "")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range all {
		ids = append(ids, r.ID+":"+r.Type)
	}
	if got := strings.Join(ids, " "); got != "REQ-0001:access REQ-0002:erasure REQ-0003:restriction REQ-0004:objection REQ-0005:rectification" {
		t.Errorf("register: %s", got)
	}
}

// TestRequestLifecycle: a request is due one calendar month after
// receipt, overdue only after its due date, answered only by its type's
// command for its own subject, and extended once, with a reason, to three
// months; each step is audited.
func TestRequestLifecycle(t *testing.T) {
	ctx := context.Background()
	_, c := peopleWarehouse(t)
	day := func(s string) time.Time {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	sar, err := AddRequest(ctx, c, Request{Type: "access", SubjectKey: fxKey, Received: day("2026-01-31"), IdentityCheck: "id"}, day("2026-01-31"))
	if err != nil {
		t.Fatal(err)
	}
	obj, err := AddRequest(ctx, c, Request{Type: "objection", SubjectKey: "other-key", Received: day("2026-02-10")}, day("2026-02-10"))
	if err != nil {
		t.Fatal(err)
	}
	if sar.ID != "REQ-0001" || sar.Due.Format(time.DateOnly) != "2026-02-28" || obj.ID != "REQ-0002" || obj.Due.Format(time.DateOnly) != "2026-03-10" {
		t.Fatalf("registered %+v and %+v", sar, obj)
	}
	overdue := func(today string) string {
		t.Helper()
		rs, err := Requests(ctx, c, day(today), true, "")
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, r := range rs {
			ids = append(ids, r.ID)
		}
		return strings.Join(ids, ",")
	}
	for _, tc := range []struct{ today, want string }{
		{"2026-02-27", ""},
		{"2026-02-28", ""}, // due today: not yet overdue
		{"2026-03-01", "REQ-0001"},
		{"2026-03-11", "REQ-0001,REQ-0002"},
	} {
		if got := overdue(tc.today); got != tc.want {
			t.Errorf("overdue on %s: %q, want %q", tc.today, got, tc.want)
		}
	}

	// who may answer the SAR
	for _, tc := range []struct {
		id, command, key string
		want             string // "" = may answer
	}{
		{"REQ-0001", "sar", fxKey, ""},
		{"REQ-0001", "erase", fxKey, "not answered by `pipeline erase` (want sar)"},
		{"REQ-0001", "sar", "other-key", "about another subject"},
		{"REQ-0002", "unobject", "other-key", ""},
		{"REQ-0099", "sar", fxKey, "no such request"},
	} {
		_, err := CheckRequest(ctx, c, tc.id, tc.command, tc.key)
		if (tc.want == "") != (err == nil) || err != nil && !strings.Contains(err.Error(), tc.want) {
			t.Errorf("CheckRequest(%s, %s, %s): %v, want %q", tc.id, tc.command, tc.key, err, tc.want)
		}
	}
	if _, err := CheckRequest(ctx, c, "REQ-0099", "sar", fxKey); !errors.Is(err, ErrNoRequest) {
		t.Errorf("unknown request: %v, want ErrNoRequest", err)
	}

	// answered a day late: no longer overdue, and the audit says late
	sar, err = CheckRequest(ctx, c, "REQ-0001", "sar", fxKey)
	if err != nil {
		t.Fatal(err)
	}
	answeredAt := day("2026-03-01").Add(10 * time.Hour)
	if err := AnswerRequest(ctx, c, sar, "sar", answeredAt); err != nil {
		t.Fatal(err)
	}
	rs, err := Requests(ctx, c, answeredAt, false, "REQ-0001")
	if err != nil || len(rs) != 1 {
		t.Fatalf("REQ-0001: %+v %v", rs, err)
	}
	if r := rs[0]; r.Status != "answered" || strings.Join(r.AnsweredBy, ",") != "sar" || r.AnsweredAt == nil || !r.AnsweredAt.Equal(answeredAt) {
		t.Errorf("answered request %+v", r)
	}
	if got := overdue("2026-03-11"); got != "REQ-0002" {
		t.Errorf("overdue after the answer: %q, want REQ-0002", got)
	}

	// the extension: not for an answered request, not without a reason,
	// once for an open one
	if _, err := ExtendRequest(ctx, c, "REQ-0001", "complex", answeredAt); err == nil || !strings.Contains(err.Error(), "extended once while open") {
		t.Errorf("extending an answered request: %v", err)
	}
	if _, err := ExtendRequest(ctx, c, "REQ-0099", "complex", answeredAt); !errors.Is(err, ErrNoRequest) {
		t.Errorf("extending an unknown request: %v", err)
	}
	if _, err := ExtendRequest(ctx, c, "REQ-0002", " ", answeredAt); err == nil || !strings.Contains(err.Error(), "reason") {
		t.Errorf("an extension without a reason: %v", err)
	}
	ext, err := ExtendRequest(ctx, c, "REQ-0002", "many requests this month", answeredAt)
	if err != nil {
		t.Fatal(err)
	}
	if ext.Due.Format(time.DateOnly) != "2026-05-10" || ext.Extended != "many requests this month" {
		t.Errorf("extended %+v", ext)
	}
	if _, err := ExtendRequest(ctx, c, "REQ-0002", "again", answeredAt); err == nil || !strings.Contains(err.Error(), "already extended") {
		t.Errorf("a second extension: %v", err)
	}
	if got := overdue("2026-05-10"); got != "" {
		t.Errorf("overdue on the extended due date: %q", got)
	}
	if got := overdue("2026-05-11"); got != "REQ-0002" {
		t.Errorf("overdue after the extended due date: %q", got)
	}
	rs, err = Requests(ctx, c, answeredAt, false, "REQ-0002")
	if err != nil || len(rs) != 1 || rs[0].Extended != "many requests this month" || rs[0].Due.Format(time.DateOnly) != "2026-05-10" {
		t.Errorf("REQ-0002 in the register: %+v %v", rs, err)
	}

	// the audit trail: received, answered (late), received, extended
	var got []string
	for _, key := range []string{fxKey, "other-key"} {
		entries, err := audit.List(ctx, c, key)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			got = append(got, fmt.Sprintf("%s:%v:%v", e.Action, e.Details["request"], e.Details["late"]))
		}
	}
	want := "request.received:REQ-0001:<nil> request.answered:REQ-0001:true request.received:REQ-0002:<nil> request.extended:REQ-0002:<nil>"
	if strings.Join(got, " ") != want {
		t.Errorf("audit:\n got %s\nwant %s", strings.Join(got, " "), want)
	}
}
