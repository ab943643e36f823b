package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/example/pipeline/pipeline/rights"
)

// vendorDescription is sources.vendor_people.description in pipeline.yaml.
const vendorDescription = "Example Data Ltd (B2B contact data vendor)"

// TestSarReportAnswersAPerson (issue 20 item 8): a SAR answering a
// registered request reads as an answer to a person in every format: the
// request id with its received and due dates, a summary of each distinct
// value before the records (an appendix without bookkeeping columns), the
// sources by their description, the profiling named, and the rights and
// complaint section; the JSON keeps every column and has the summary as
// its own key.
func TestSarReportAnswersAPerson(t *testing.T) {
	dir := workspace(t)
	mustPipeline(t, dir, "run")
	mustPipeline(t, dir, "requests", "add", "--type", "access", "--email", sarEmail, "--received", "2026-01-15", "--identity", "reply from the address on file")
	sarWith := func(format string, extra ...string) string {
		t.Helper()
		return mustPipeline(t, dir, append([]string{"sar", "--email", sarEmail, "--request", "REQ-0001", "--format", format}, extra...)...).stdout
	}
	common := []string{"REQ-0001", "2026-01-15", "2026-02-15", vendorDescription, "Information Commissioner's Office",
		"profiling for targeting", "object"}

	txt := sarWith("text")
	for _, want := range append(common, "YOUR RIGHTS AND HOW TO COMPLAIN") {
		if !strings.Contains(txt, want) {
			t.Errorf("text SAR lacks %q:\n%s", want, txt)
		}
	}
	sum, app, rec := strings.Index(txt, "\nSUMMARY"), strings.Index(txt, "\nAPPENDIX"), strings.Index(txt, "\nvendor_people (table)")
	if sum < 0 || sum > app || app > rec {
		t.Errorf("text SAR: summary at %d, appendix at %d, first record at %d", sum, app, rec)
	}
	// the person held in four tables and an export is one email in the summary
	if n := strings.Count(txt[:app], "Email address: "+sarEmail); n != 1 {
		t.Errorf("the summary lists the email %d times:\n%s", n, txt[:app])
	}
	if strings.Contains(txt, "_run_id") || strings.Contains(txt, "_bucket") {
		t.Errorf("text SAR shows bookkeeping columns:\n%s", txt)
	}

	var rep rights.Report
	js := sarWith("json")
	if err := json.Unmarshal([]byte(js), &rep); err != nil {
		t.Fatalf("sar json: %v\n%s", err, js)
	}
	if q := rep.Request; q == nil || q.ID != "REQ-0001" || q.Received != "2026-01-15" || q.Due != "2026-02-15" {
		t.Errorf("json request %+v", rep.Request)
	}
	if !strings.Contains(rep.Rights.Complaint, "Information Commissioner's Office") || len(rep.Rights.Rights) == 0 {
		t.Errorf("json rights %+v", rep.Rights)
	}
	if len(rep.Sources) == 0 || rep.Sources[0].Name != "vendor_people" || rep.Sources[0].Description != vendorDescription {
		t.Errorf("json sources %+v", rep.Sources)
	}
	if len(rep.Summary.Groups) == 0 || rep.Summary.Groups[0].Category != rights.CatContact || rep.Summary.Profiling == "" {
		t.Errorf("json summary %+v", rep.Summary)
	}
	if !strings.Contains(js, `"_run_id"`) || !strings.Contains(js, `"summary": {`) {
		t.Error("json SAR drops the bookkeeping columns or has no summary key")
	}

	out := filepath.Join(dir, "sar.html")
	sarWith("html", "--out", out)
	page, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	text := nodeText(doc)
	for _, want := range append(common, "Your rights and how to complain") {
		if !strings.Contains(text, want) {
			t.Errorf("html SAR lacks %q", want)
		}
	}
	p := string(page)
	if s, a := strings.Index(p, `id="summary"`), strings.Index(p, `id="appendix"`); s < 0 || s > a || strings.Index(p, sarEmail) > a {
		t.Errorf("html SAR: summary at %d, appendix at %d, first email at %d", s, a, strings.Index(p, sarEmail))
	}
	if strings.Contains(p, "_run_id") || strings.Contains(p, "_bucket") {
		t.Error("html SAR shows bookkeeping columns")
	}
}

// nodeText is the text content of a parsed page.
func nodeText(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}
