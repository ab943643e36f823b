package rights

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rs/zerolog"
)

// summaryItem finds the summary item of field, or nil.
func summaryItem(r *Report, field string) *Item {
	for _, g := range r.Summary.Groups {
		for i, it := range g.Items {
			if it.Field == field {
				return &g.Items[i]
			}
		}
	}
	return nil
}

// TestSARRejectsSinksLeftovers: a SAR shows the subject's rejected source
// line (and not another's), what a sink located, and the staged export of
// an unfinished run, named after its export; the text report tells each.
func TestSARRejectsSinksLeftovers(t *testing.T) {
	ctx := context.Background()
	cfg := fixtureRun(t)
	addCRMExport(cfg)
	erased := 0
	conns := withCRM{sink: locatingSink{streamSink{locates: true, erased: &erased}}}
	c, _ := openFixture(t, cfg)
	if _, err := c.ExecContext(ctx, `INSERT INTO rejects VALUES
		('r1', 'vendor_people', 'people.csv', 7, 'email', 'parse', 'too many fields', 'Hamza,Dixon,HDIXON@brightwater-logistics.co.uk,,,,,,,x', TIMESTAMP '2026-10-02 09:00:00'),
		('r1', 'vendor_people', 'people.csv', 9, 'email', 'parse', 'too many fields', 'Sam,Other,sam@other.co.uk,,,,,,,x', TIMESTAMP '2026-10-01 09:00:00')`); err != nil {
		t.Fatal(err)
	}
	// an unfinished run's staged copy of the export, beside it
	staged := filepath.Join(cfg.Dir, "exports", ".acme_q1.staging-20261101T000000Z")
	if err := os.CopyFS(staged, os.DirFS(acmeDir(cfg))); err != nil {
		t.Fatal(err)
	}
	r, err := Access(ctx, c, cfg, fxSubject(t), FindOptions{Connectors: conns}, sarNow)
	if err != nil {
		t.Fatal(err)
	}
	found := foundByDataset(r)
	rej := found["rejects"]
	if len(rej.Rows) != 1 || rej.Source != "vendor_people" || rej.FirstSeen != "2026-10-02T09:00:00Z" || rej.Rows[0]["line"] != int64(7) {
		t.Errorf("rejects found %+v", rej)
	}
	crm := found["crm_feed"]
	if crm.Kind != "export" || crm.Source != "sink crm" || len(crm.Rows) != 1 || crm.Rows[0]["place"] != "crm.people" {
		t.Errorf("the sink's find %+v", crm)
	}
	const leftover = "acme_q1 (unfinished run: .acme_q1.staging-20261101T000000Z)"
	if l := found[leftover]; len(l.Rows) != 1 || l.Rows[0]["subject_key"] != fxKey || len(l.Files) != 1 || !strings.HasPrefix(l.Files[0], staged) {
		t.Errorf("the staged export: %+v (found %v)", l, found)
	}
	if e := found["acme_q1"]; len(e.Rows) != 1 || len(e.Files) != 1 || strings.HasPrefix(e.Files[0], staged) {
		t.Errorf("the export: %+v", e)
	}
	it := summaryItem(r, "A line of a source's file we could not read")
	if it == nil || !strings.Contains(it.Value, "HDIXON@") || strings.Contains(it.Value, "sam@") || len(it.Notes) != 1 {
		t.Errorf("summary item of the rejected line: %+v", it)
	}
	var b strings.Builder
	if err := r.Write(&b, "text"); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"crm.people", leftover, "HDIXON@brightwater-logistics.co.uk"} {
		if !strings.Contains(b.String(), s) {
			t.Errorf("the text SAR lacks %q", s)
		}
	}
	if strings.Contains(b.String(), "sam@other.co.uk") {
		t.Error("the text SAR shows another person's rejected line")
	}
}

// TestSARDerivedEmail: a subject whose work email was derived from their
// company's email pattern is shown the email-less source row it was
// derived from (their names at their email's domain), not a namesake's at
// another company's.
func TestSARDerivedEmail(t *testing.T) {
	ctx := context.Background()
	cfg := fixtureRun(t)
	c, _ := openFixture(t, cfg)
	s, err := NewSubject("gemma.holt@blackthorn-retail.co.uk", "", "", "")
	if err != nil {
		t.Fatal(err)
	}
	plain, err := Find(ctx, c, cfg, s, FindOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if plain.derivedFirst != "Gemma" || plain.derivedLast != "Holt" {
		t.Fatalf("derived names %q %q: the prospects row's email is not marked derived", plain.derivedFirst, plain.derivedLast)
	}
	raw := 0
	for _, h := range plain.Tables {
		if !isRawTable(h.Table) {
			continue
		}
		for _, row := range h.Rows {
			raw++
			if e := strings.TrimSpace(str(row["email"])); e != "" || row["first_name"] != "Gemma" || row["last_name"] != "Holt" ||
				!strings.Contains(str(row["company_domain"]), "blackthorn-retail.co.uk") {
				t.Errorf("%s row %v", h.Table, row)
			}
		}
	}
	if raw == 0 {
		t.Error("no source row found for the derived email")
	}
	// a namesake elsewhere is not the subject
	if _, err := c.ExecContext(ctx, `CREATE TABLE raw_extra (first_name VARCHAR, last_name VARCHAR, email VARCHAR, company_domain VARCHAR)`); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ExecContext(ctx, `INSERT INTO raw_extra VALUES ('Gemma', 'Holt', NULL, 'elsewhere.co.uk'), ('Gemma', 'Holt', NULL, 'blackthorn-retail.co.uk')`); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ExecContext(ctx, `INSERT INTO catalog VALUES ('vendor_people','raw_extra','first_name','identity.name',true,1,'name','',NULL,NULL),
		('vendor_people','raw_extra','last_name','identity.name',true,1,'name','',NULL,NULL),
		('vendor_people','raw_extra','email','contact.email',true,1,'name','',NULL,NULL),
		('vendor_people','raw_extra','company_domain','company.domain',false,1,'name','',NULL,NULL)`); err != nil {
		t.Fatal(err)
	}
	f, err := Find(ctx, c, cfg, s, FindOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var extra []string
	for _, h := range f.Tables {
		if h.Table == "raw_extra" {
			for _, row := range h.Rows {
				extra = append(extra, str(row["company_domain"]))
			}
		}
	}
	if strings.Join(extra, ",") != "blackthorn-retail.co.uk" {
		t.Errorf("raw_extra rows found at %v, want only blackthorn-retail.co.uk's", extra)
	}
}

// TestSARShowsCorrections: after a rectification the SAR lists the
// corrections (a new value and a removed one), notes the corrected value
// in the summary, and says so in the text report.
func TestSARShowsCorrections(t *testing.T) {
	ctx := context.Background()
	cfg := fixtureRun(t)
	s := fxSubject(t)
	if _, err := Rectify(ctx, cfg, s, []Correction{{"job_title", "Marketing Director"}, {"phone", ""}}, RectifyOptions{Request: "REQ-0007", Log: zerolog.Nop()}); err != nil {
		t.Fatal(err)
	}
	c, _ := openFixture(t, cfg)
	r, err := Access(ctx, c, cfg, s, FindOptions{}, sarNow)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Corrections) != 2 {
		t.Fatalf("corrections %+v", r.Corrections)
	}
	noted := false
	for _, g := range r.Summary.Groups {
		for _, it := range g.Items {
			for _, n := range it.Notes {
				if strings.HasPrefix(n, "corrected on ") && strings.HasSuffix(n, " at your request") {
					noted = noted || it.Value == "Marketing Director"
					if it.Value != "Marketing Director" {
						t.Errorf("item %s %q noted as corrected", it.Field, it.Value)
					}
				}
			}
		}
	}
	if !noted {
		t.Error("the corrected job title is not noted in the summary")
	}
	var b strings.Builder
	if err := r.Write(&b, "text"); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"CORRECTIONS YOU ASKED FOR", `job_title: corrected on `, `(request REQ-0007) — now "Marketing Director"`,
		"phone: corrected on ", "— the value was removed", "the former value does not come back"} {
		if !strings.Contains(b.String(), s) {
			t.Errorf("the text SAR lacks %q", s)
		}
	}
	var none strings.Builder
	writeCorrectionsText(&none, nil)
	if none.Len() != 0 {
		t.Errorf("no corrections printed %q", none.String())
	}
}

// TestRectifyResultWrite: what rectify prints, done and dry, in and out
// of targeting.roles, with a sink and with recipients.
func TestRectifyResultWrite(t *testing.T) {
	files := []PlannedFile{{Export: "acme_q1", File: "country=GB/part-1.parquet", Rows: 1}}
	notices := []Notice{{Recipient: "Acme", Contact: "privacy@acme.example", Export: "acme_q1", Campaign: "acme-q1", First: "2026-01-01", Last: "2026-02-01"}}
	for _, tc := range []struct {
		name    string
		res     RectifyResult
		want    []string
		notWant []string
	}{
		{"done", RectifyResult{SubjectKey: "k", Columns: []string{"job_title", "last_name"}, Recorded: []string{"job_title", "last_name"}, Seq: 9,
			Tables: []TableChange{{Table: "prospects", Rows: 1}}, Files: files, Notices: notices},
			[]string{"rectified: subject k — job_title, last_name corrected; every later run applies the correction after staging (audit seq 9)",
				"table prospects: 1 rows corrected", "export acme_q1 file country=GB/part-1.parquet: rewritten with the corrected values (1 rows)",
				"Recipients to notify of the correction (GDPR Art. 19):", "Acme (privacy@acme.example) — export acme_q1 (campaign acme-q1), sent 2026-01-01 … 2026-02-01"},
			[]string{"already recorded", "DRY RUN", "targeting.roles"}},
		{"re-run", RectifyResult{SubjectKey: "k", Columns: []string{"job_title", "last_name"}, Recorded: []string{"last_name"}},
			[]string{"(already recorded: 1 of 2)", "Recipients to notify (GDPR Art. 19): none"}, nil},
		{"dry, out of roles", RectifyResult{SubjectKey: "k", Columns: []string{"job_title"}, DryRun: true, LeftRoles: true,
			Tables: []TableChange{{Table: "deliverable", Rows: 1}}, Files: files, Sinks: []string{"crm_feed"}},
			[]string{"DRY RUN — nothing changed. Rectification of subject k (job_title) would:", "outside targeting.roles",
				"table deliverable: 1 rows would be removed", "would be rewritten without the subject (1 rows)", "export crm_feed: its sink cannot be corrected in place"},
			[]string{"rectified:"}},
	} {
		var b strings.Builder
		tc.res.Write(&b)
		for _, s := range tc.want {
			if !strings.Contains(b.String(), s) {
				t.Errorf("%s: the output lacks %q:\n%s", tc.name, s, b.String())
			}
		}
		for _, s := range tc.notWant {
			if strings.Contains(b.String(), s) {
				t.Errorf("%s: the output says %q:\n%s", tc.name, s, b.String())
			}
		}
	}
}
