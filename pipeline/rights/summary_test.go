package rights

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/example/pipeline/pipeline/config"
)

const runID = "20261101T020000Z-abc123"

// summaryConfig has a vendor source with a description, a CRM source
// without one, a companies source and one campaign exporting email and
// first name.
func summaryConfig() *config.Config {
	return &config.Config{
		Controller: config.Controller{Name: "Example Prospecting Ltd", Contact: "dpo@example.com"},
		Sources: map[string]*config.Source{
			"companies":     {Name: "companies", Role: "companies", Connector: "csv", Description: "Companies House extract"},
			"vendor_people": {Name: "vendor_people", Role: "people", Connector: "csv", Description: "Example Data Ltd (vendor)", Retention: cfgRetention(12, "month")},
			"crm_people":    {Name: "crm_people", Role: "people", Connector: "csv"},
		},
		SourceOrder:   []string{"companies", "vendor_people", "crm_people"},
		Campaigns:     map[string]*config.Campaign{"acme-q1": {Name: "acme-q1", Recipient: "Acme Payroll Ltd", Purpose: "payroll outreach", LawfulBasis: "legitimate_interests"}},
		CampaignOrder: []string{"acme-q1"},
		Exports:       map[string]*config.Export{"acme_q1": {Name: "acme_q1", Campaign: "acme-q1", Columns: []string{"first_name", "email"}}},
		Limits:        config.Limits{RejectsRetention: config.DefaultRejectsRetention},
	}
}

// summaryFindings hold one person four times (two sources' rows in their
// own spellings, prospects and deliverable) and once in an export.
func summaryFindings() *Findings {
	personal := map[string]string{"email": "contact.email", "phone": "contact.phone", "first_name": "identity.name", "job_title": "professional.job_title"}
	built := Row{"email": fxEmail, "phone": "+442079460439", "first_name": "Hamza", "job_title": "Head of Marketing",
		"company_name": "Brightwater Logistics plc", "department": "marketing", "seniority": "head", "gdpr_region": true,
		"email_origin": "source", "_sources": []any{"crm_people", "vendor_people"}, "_run_id": runID, "_loaded_at": "2026-11-01T02:00:00Z"}
	exported := time.Date(2026, 11, 2, 3, 0, 0, 0, time.UTC)
	return &Findings{
		Subject: Subject{Key: fxKey, Email: fxEmail}, Country: "GB",
		Tables: []TableHit{
			{Dataset: "prospects", Table: "prospects", Sources: []string{"crm_people", "vendor_people"}, Rows: []Row{built}, match: matchCols{personal: personal}},
			{Dataset: "vendor_people", Table: "raw_vendor_people", Sources: []string{"vendor_people"}, match: matchCols{personal: personal},
				Rows: []Row{{"email": fxEmail, "phone": "+44 (0)20 7946 0439", "first_name": "Hamza", "job_title": "Head of Marketing", "_run_id": runID, "_bucket": 3}}},
			{Dataset: "crm_people", Table: "raw_crm_people", Sources: []string{"crm_people"}, match: matchCols{personal: personal},
				Rows: []Row{{"email": "  Hdixon@Brightwater-Logistics.Co.Uk", "phone": "020 7946 0439", "first_name": "Hamza", "notes": nil, "_run_id": runID}}},
			{Dataset: "deliverable", Table: "deliverable", Sources: []string{"crm_people", "vendor_people"}, Rows: []Row{built}, match: matchCols{personal: personal}},
		},
		Exports: []ExportHit{{Export: "acme_q1", Campaign: "acme-q1", Recipient: "Acme Payroll Ltd", FirstExported: exported, InLineage: true,
			Rows: []Row{{"email": fxEmail, "first_name": "Hamza", "subject_key": fxKey}}}},
		Lineage: []Lineage{{Export: "acme_q1", Campaign: "acme-q1", Recipient: "Acme Payroll Ltd", ExportedAt: exported}},
	}
}

func summaryItems(s Summary) map[string]Item {
	out := map[string]Item{}
	for _, g := range s.Groups {
		for _, it := range g.Items {
			out[g.Category+"/"+it.Column] = it
		}
	}
	return out
}

// TestSummaryDistinctValues: the person held in four tables and an export
// is one value per field, each spelling of it kept, attributed to the
// sources that hold it (by their description, else name and role), with
// the datasets that hold it and who received it; bookkeeping columns are
// not data about the subject.
func TestSummaryDistinctValues(t *testing.T) {
	r := NewReport(summaryConfig(), summaryFindings(), sarNow)
	items := summaryItems(r.Summary)
	vendor, crm := "Example Data Ltd (vendor)", "crm_people (a people source)"

	email, ok := items[CatContact+"/email"]
	if !ok {
		t.Fatalf("no email in contact details: %+v", r.Summary.Groups)
	}
	if email.Value != fxEmail || strings.Join(email.OtherForms, "|") != "Hdixon@Brightwater-Logistics.Co.Uk" {
		t.Errorf("email value %q, other forms %q", email.Value, email.OtherForms)
	}
	if strings.Join(email.From, "|") != vendor+"|"+crm {
		t.Errorf("email from %q", email.From)
	}
	if strings.Join(email.HeldIn, ",") != "vendor_people,crm_people,prospects,deliverable,acme_q1" {
		t.Errorf("email held in %q", email.HeldIn)
	}
	if strings.Join(email.SharedWith, "|") != "Acme Payroll Ltd on 2026-11-02" {
		t.Errorf("email shared with %q", email.SharedWith)
	}
	phone := items[CatContact+"/phone"]
	if phone.Value != "+44 (0)20 7946 0439" || len(phone.OtherForms) != 2 || len(phone.SharedWith) != 0 {
		t.Errorf("one phone in three spellings, not exported: %+v", phone)
	}
	if title := items[CatProfessional+"/job_title"]; strings.Join(title.From, "|") != vendor {
		t.Errorf("job title (only the vendor's row has it) from %q", title.From)
	}
	if emp := items[CatProfessional+"/company_name"]; strings.Join(emp.From, "|") != "Companies House extract" {
		t.Errorf("employer from %q", emp.From)
	}
	n := 0
	for _, g := range r.Summary.Groups {
		for _, it := range g.Items {
			n++
			if strings.HasPrefix(it.Column, "_") || it.Value == runID {
				t.Errorf("bookkeeping in the summary: %+v", it)
			}
		}
	}
	if n != len(items) {
		t.Errorf("%d items, %d distinct (category, column): a value is listed twice", n, len(items))
	}
	if _, ok := items[CatOther+"/notes"]; ok {
		t.Error("an empty value is listed")
	}
}

// TestSummaryCategories: categories come in a fixed order; values
// derived to target campaigns are derived data described as profiling;
// recipients, deletion and the rights section are in the subject's terms.
func TestSummaryCategories(t *testing.T) {
	r := NewReport(summaryConfig(), summaryFindings(), sarNow)
	var cats []string
	for _, g := range r.Summary.Groups {
		cats = append(cats, g.Category)
	}
	if got := strings.Join(cats, ","); got != "contact details,professional details,online identifiers,derived data" {
		t.Errorf("categories %s", got)
	}
	items := summaryItems(r.Summary)
	for _, col := range []string{"department", "seniority"} {
		it, ok := items[CatDerived+"/"+col]
		if !ok || it.From[0] != derivedByUs || !strings.Contains(strings.Join(it.Notes, " "), "profiling for targeting") {
			t.Errorf("%s: %+v", col, it)
		}
	}
	if it := items[CatDerived+"/gdpr_region"]; it.Value != "yes" {
		t.Errorf("gdpr_region shown as %q", it.Value)
	}
	if _, ok := items[CatOnline+"/subject_key"]; !ok {
		t.Error("the subject_key exported is not among the online identifiers")
	}
	if !strings.Contains(r.Summary.Profiling, "profiling for direct marketing") {
		t.Errorf("profiling %q", r.Summary.Profiling)
	}
	if d := r.Summary.Disclosures; len(d) != 1 || d[0].Purpose != "payroll outreach" || strings.Join(d[0].What, ", ") != "our reference for you (a one-way hash of your email address), first name, email address" {
		t.Errorf("disclosures %+v", d)
	}
	if d := r.Summary.Deletion; len(d) < 2 || d[0].What != "data from Example Data Ltd (vendor)" || d[0].Period != "12 months from loading" {
		t.Errorf("deletion %+v", d)
	}
	if len(r.Rights.Rights) < 5 || !strings.Contains(r.Rights.Complaint, "Information Commissioner's Office") || r.Rights.Contact != "dpo@example.com" {
		t.Errorf("rights %+v", r.Rights)
	}
	if r.Sources[0].Description != "Example Data Ltd (vendor)" {
		t.Errorf("sources %+v", r.Sources)
	}

	// no derived values: no profiling statement
	f := summaryFindings()
	f.Tables = f.Tables[1:3]
	if s := NewReport(summaryConfig(), f, sarNow).Summary; s.Profiling != "" {
		t.Errorf("profiling without derived data: %q", s.Profiling)
	}
}

// TestReportFormatsSummaryFirst: text and html put the summary before
// the appendix, carry the request and the rights section, and leave the
// bookkeeping columns out; json keeps them and the summary as its key.
func TestReportFormatsSummaryFirst(t *testing.T) {
	r := NewReport(summaryConfig(), summaryFindings(), sarNow)
	r.AnswersRequest(Request{ID: "REQ-0007", Type: "access", Received: time.Date(2026, 10, 20, 0, 0, 0, 0, time.UTC),
		Due: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)})
	for _, format := range []string{"text", "html"} {
		var b bytes.Buffer
		if err := r.Write(&b, format); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		marks := map[string][3]string{"text": {"\nSUMMARY", "\nAPPENDIX", "\nvendor_people (table)"},
			"html": {`id="summary"`, `id="appendix"`, "<h3>vendor_people "}}[format]
		sum, app, rec := strings.Index(out, marks[0]), strings.Index(out, marks[1]), strings.Index(out, marks[2])
		if sum < 0 || app < 0 || rec < 0 || sum > app || rec < app {
			t.Errorf("%s: summary at %d, appendix at %d:\n%s", format, sum, app, out)
		}
		for _, want := range []string{"REQ-0007", "2026-10-20", "2026-11-20", "Information Commissioner", "Example Data Ltd (vendor)", "profiling"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s lacks %q", format, want)
			}
		}
		for _, bad := range []string{"_run_id", runID, "_bucket", "_sources"} {
			if strings.Contains(out, bad) {
				t.Errorf("%s shows bookkeeping %q", format, bad)
			}
		}
	}
	var js bytes.Buffer
	if err := r.Write(&js, "json"); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"summary": {`, `"_run_id": "` + runID, `"request": {`, `"complaint":`, `"description": "Example Data Ltd (vendor)"`} {
		if !strings.Contains(js.String(), want) {
			t.Errorf("json lacks %s", want)
		}
	}
}
