package rights

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/example/pipeline/pipeline/audit"
	"github.com/example/pipeline/pipeline/config"
)

var sarNow = time.Date(2026, 11, 3, 10, 30, 0, 0, time.UTC)

func foundByDataset(r *Report) map[string]Found {
	out := map[string]Found{}
	for _, f := range r.Found {
		out[f.Dataset] = f
	}
	return out
}

// TestAccessReport answers a SAR on the fixtures' run: every dataset that
// holds the subject with its rows, the export with the one row the
// recipient got, the purposes, recipients, retention and sources; the
// audit entry says which datasets and how many rows, never the data.
func TestAccessReport(t *testing.T) {
	ctx := context.Background()
	cfg := fixtureRun(t)
	c, _ := openFixture(t, cfg)
	s, err := NewSubject("  Hdixon@Brightwater-Logistics.Co.Uk", "", "", "")
	if err != nil {
		t.Fatal(err)
	}
	r, err := Access(ctx, c, cfg, s, FindOptions{Deep: true}, sarNow)
	if err != nil {
		t.Fatal(err)
	}
	if r.SubjectKey != fxKey || r.Identifiers.Email != fxEmail || !r.GeneratedAt.Equal(sarNow) ||
		r.Controller.Name != "Example Prospecting Ltd" || r.Controller.Contact != "dpo@example.com" {
		t.Errorf("report head %+v %+v %v", r.Controller, r.Identifiers, r.GeneratedAt)
	}
	if len(r.Identifiers.Phones) != 1 || !strings.HasPrefix(r.Identifiers.Phones[0], "+44") {
		t.Errorf("phones found on the subject's rows: %v", r.Identifiers.Phones)
	}
	found := foundByDataset(r)
	for ds, kind := range map[string]string{"vendor_people": "table", "crm_people": "table", "prospects": "table", "deliverable": "table", "acme_q1": "export"} {
		f, ok := found[ds]
		if !ok || f.Kind != kind || len(f.Rows) != 1 {
			t.Errorf("%s: found %v as %q with %d rows, want one row as %s", ds, ok, f.Kind, len(f.Rows), kind)
		}
	}
	if len(found) != 5 {
		t.Errorf("found %d datasets, want 5: %v", len(found), found)
	}
	ex := found["acme_q1"]
	if ex.Rows[0]["email"] != fxEmail || ex.Rows[0]["subject_key"] != fxKey || !strings.Contains(ex.Source, "Acme Payroll Ltd") ||
		strings.Contains(ex.Source, "deep scan") || len(ex.Files) != 1 || ex.FirstSeen == "" {
		t.Errorf("export found %+v", ex)
	}
	if !strings.Contains(strings.Join(ex.Categories, ","), "contact.email") {
		t.Errorf("export categories %v", ex.Categories)
	}
	if p := found["prospects"]; !strings.Contains(p.Source, "vendor_people") || p.FirstSeen == "" || len(p.Categories) == 0 {
		t.Errorf("prospects found %+v", p)
	}
	if len(r.Recipients) != 1 || r.Recipients[0].Recipient != "Acme Payroll Ltd" || r.Recipients[0].Export != "acme_q1" ||
		r.Recipients[0].Campaign != "acme-q1" || len(r.Recipients[0].Columns) != 8 {
		t.Errorf("recipients %+v", r.Recipients)
	}
	if len(r.Purposes) != 1 || r.Purposes[0].LawfulBasis != "legitimate_interests" || r.Purposes[0].Recipient != "Acme Payroll Ltd" {
		t.Errorf("purposes %+v", r.Purposes)
	}
	ret := map[string]string{}
	for _, x := range r.Retention {
		ret[x.Dataset] = x.Period
	}
	if ret["vendor_people"] != "12 months from when we first received your data from this source" || ret["crm_people"] != "12 months from when we first received your data from this source" || ret["suppression"] == "" || ret["unsubscribes"] != "" {
		t.Errorf("retention %v", ret)
	}
	var srcs []string
	for _, x := range r.Sources {
		srcs = append(srcs, x.Name+":"+x.Role+":"+x.Connector+":"+x.Location)
	}
	if got := strings.Join(srcs, " "); got != "vendor_people:people:csv:fixtures/people.csv crm_people:people:csv:fixtures/people_crm.csv" {
		t.Errorf("sources %s", got)
	}

	// the audit entry: counts, not data
	entries, err := audit.List(ctx, c, fxKey)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Action != "sar" || !entries[0].At.Equal(sarNow) {
		t.Fatalf("audit entries %+v", entries)
	}
	d, _ := json.Marshal(entries[0].Details)
	if strings.Contains(strings.ToLower(string(d)), "dixon") || !strings.Contains(string(d), `"table:prospects":1`) ||
		!strings.Contains(string(d), `"export:acme_q1":1`) || !strings.Contains(string(d), `"deep":true`) {
		t.Errorf("audit details %s", d)
	}
	if sum := r.AuditSummary(); sum["datasets"] != 5 || sum["recipients"] != 1 {
		t.Errorf("summary %v", sum)
	}
}

// TestAccessAfterErasure: after an erasure the SAR finds the tombstone and
// the audit log only, with the suppression store named as the source.
func TestAccessAfterErasure(t *testing.T) {
	ctx := context.Background()
	cfg := fixtureRun(t)
	s := fxSubject(t)
	if _, err := Erase(ctx, cfg, s, EraseOptions{Now: func() time.Time { return eraseNow }}); err != nil {
		t.Fatal(err)
	}
	c, _ := openFixture(t, cfg)
	r, err := Access(ctx, c, cfg, s, FindOptions{}, sarNow)
	if err != nil {
		t.Fatal(err)
	}
	found := foundByDataset(r)
	sup, audits := found["suppression"], found["audit_log"]
	if len(found) != 2 || len(sup.Rows) != 1 || sup.Rows[0]["reason"] != "erasure" || sup.Kind != "suppression" || sup.FirstSeen == "" {
		t.Fatalf("found after erasure %+v", r.Found)
	}
	if audits.Kind != "audit" || len(audits.Rows) != 1 || audits.Rows[0]["action"] != "erase" {
		t.Errorf("audit rows %+v", audits.Rows)
	}
	if len(r.Recipients) != 0 || len(r.Purposes) != 0 {
		t.Errorf("recipients %+v purposes %+v after erasure", r.Recipients, r.Purposes)
	}
}

// TestReportRender writes one report in each format: json reads back the
// same, text has every section and the subject's values, html is a
// well-formed page with the values escaped; an unknown format is an error.
func TestReportRender(t *testing.T) {
	r := &Report{SubjectKey: fxKey, GeneratedAt: sarNow,
		Controller:  Controller{Name: "Example <Prospecting> Ltd", Contact: "dpo@example.com"},
		Identifiers: Identifiers{Email: fxEmail, Phones: []string{"+442079460123"}, Profiles: []string{"linkedin.com/in/hd"}},
		Found: []Found{
			{Dataset: "prospects", Kind: "table", Categories: []string{"contact.email", "identity.name"}, Source: "vendor_people", FirstSeen: "2026-10-01T00:00:00Z",
				Rows: []Row{{"email": fxEmail, "first_name": "Harriet", "_source": "vendor_people", "tags": []any{"a", nil, 3}, "note": nil}}},
			{Dataset: "wide", Kind: "table", Source: "crm_people",
				Rows: []Row{{"a": 1, "b": 2, "c": 3, "d": 4, "e": 5, "f": 6, "g": "<script>x</script>"}}},
		},
		Purposes:   []Purpose{{Campaign: "acme-q1", Purpose: "outreach", LawfulBasis: "legitimate_interests", Recipient: "Acme"}},
		Recipients: []Recipient{{Recipient: "Acme", Export: "acme_q1", Campaign: "acme-q1", Date: "2026-11-01", Columns: []string{"email"}}},
		Retention:  []Retention{{Dataset: "vendor_people", Period: period(cfgRetention(12, "month"))}},
		Sources:    []SourceInfo{{Name: "vendor_people", Role: "people", Connector: "csv", Location: "fixtures/people.csv"}},
	}
	var js bytes.Buffer
	if err := r.Write(&js, "json"); err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(js.Bytes(), &back); err != nil || back.SubjectKey != fxKey || len(back.Found) != 2 || back.Found[0].Rows[0]["email"] != fxEmail {
		t.Errorf("json read back %+v %v", back, err)
	}

	var text bytes.Buffer
	if err := r.Write(&text, "text"); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Subject access request — Example <Prospecting> Ltd (contact dpo@example.com)",
		"generated 2026-11-03 10:30:00 UTC, reference " + fxKey,
		"identifiers searched: email " + fxEmail + ", phone +442079460123, profile linkedin.com/in/hd",
		"prospects (table) — source: vendor_people, first seen 2026-10-01T00:00:00Z",
		"categories: contact.email, identity.name", "email       " + fxEmail, "tags        a, , 3",
		"acme-q1: outreach (lawful basis: legitimate_interests; recipient: Acme)",
		"Acme — export acme_q1 on 2026-11-01: email", "vendor_people: 12 months from loading",
		"vendor_people (people, csv) fixtures/people.csv",
	} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, text.String())
		}
	}
	// bookkeeping columns and empty cells are left out
	out := text.String()
	if strings.Contains(out, "_source") || !strings.Contains(out, "first_name") || strings.Contains(out, "note ") {
		t.Errorf("row layout:\n%s", out)
	}

	var page bytes.Buffer
	if err := r.Write(&page, "html"); err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(bytes.NewReader(page.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	txt := htmlText(doc)
	for _, want := range []string{fxEmail, "Example <Prospecting> Ltd", "<script>x</script>", "record 1 of 1", "legitimate_interests", "12 months from loading"} {
		if !strings.Contains(txt, want) {
			t.Errorf("html text lacks %q", want)
		}
	}
	if strings.Contains(page.String(), "<script>x") {
		t.Error("html: a value reached the page unescaped")
	}

	if err := r.Write(&bytes.Buffer{}, "xml"); err == nil || !strings.Contains(err.Error(), "want json, text or html") {
		t.Errorf("format xml: %v", err)
	}

	// nothing found: every section says so
	empty := &Report{SubjectKey: "k", GeneratedAt: sarNow}
	text.Reset()
	if err := empty.Write(&text, "text"); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(text.String(), "  none\n"); n != 3 || !strings.Contains(text.String(), "WHAT WE HOLD ABOUT YOU\n  nothing") {
		t.Errorf("empty report (%d nones):\n%s", n, text.String())
	}
	page.Reset()
	if err := empty.Write(&page, "html"); err != nil || !strings.Contains(page.String(), "We hold no data about you.") {
		t.Errorf("empty html: %v", err)
	}
}

// htmlText is the text content of a parsed page.
func htmlText(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
			b.WriteByte(' ')
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

func TestPeriod(t *testing.T) {
	for _, tt := range []struct {
		n    int
		unit string
		want string
	}{{0, "", "not set (kept until erased)"}, {1, "year", "1 year from loading"}, {30, "day", "30 days from loading"}} {
		if got := period(cfgRetention(tt.n, tt.unit)); got != tt.want {
			t.Errorf("period(%d %s) = %q, want %q", tt.n, tt.unit, got, tt.want)
		}
	}
	if fmt.Sprint(stamp(time.Time{})) != "" || nonNil(nil) == nil {
		t.Error("stamp or nonNil")
	}
}

func cfgRetention(n int, unit string) config.Retention { return config.Retention{N: n, Unit: unit} }
