package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/example/pipeline/connectors/manifest"
	"github.com/example/pipeline/pipeline/flow"
)

// setCompany rewrites fixtures/companies.csv in a workspace: the company
// whose name is name gets newName and companyType.
func setCompany(t *testing.T, dir, name, newName, companyType string) {
	t.Helper()
	path := filepath.Join(dir, "fixtures", "companies.csv")
	recs := readCSV(t, path)
	found := false
	for _, r := range recs[1:] {
		if r[0] == name {
			r[0], r[6], found = newName, companyType, true
		}
	}
	if !found {
		t.Fatalf("no company %q in companies.csv", name)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := csv.NewWriter(f)
	if err := w.WriteAll(recs); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// exportedDomains maps each company domain in the acme_q1 export to its rows.
func exportedDomains(t *testing.T, dir string) map[string]int {
	t.Helper()
	mem := openDB(t, "")
	glob := filepath.Join(dir, "exports", "acme_q1", "**", "*.parquet")
	out := map[string]int{}
	for _, d := range queryStrings(t, mem, "SELECT company_domain FROM read_parquet($1, hive_partitioning = true)", glob) {
		out[d]++
	}
	return out
}

// TestPECRSubscriberType (issue 21, item 1): a company is a corporate
// subscriber only when its company_type, or without one its name's legal
// suffix, says so; sole traders, self-employed, ordinary partnerships and
// bare "t/a" are individual; anything undecided is unknown, not exported,
// and counted in the report with the values no rule recognised.
func TestPECRSubscriberType(t *testing.T) {
	dir := workspace(t)
	setCompany(t, dir, "Harbourside Analytics Ltd", "Harbourside Analytics", "Self-employed")
	setCompany(t, dir, "Pennine Software Ltd", "Pennine Software", "Sole Proprietor")
	setCompany(t, dir, "Oakridge Legal LLP", "Oakridge Legal", "General Partnership")
	setCompany(t, dir, "Riverbend Fabrication Ltd", "R. Jones", "t/a")
	setCompany(t, dir, "Quayside Media Ltd", "Quayside Media", "")
	setCompany(t, dir, "Shannon Medtech Ltd", "Shannon Medtech Ltd", "Widgetco Form")
	setCompany(t, dir, "Solent Marine Engineering Ltd", "Solent Marine Engineering Ltd", "") // the suffix decides: corporate

	r := mustPipeline(t, dir, "run", "--format", "json")
	var rep flow.Report
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("report: %v\n%s", err, r.stdout)
	}
	got := exportedDomains(t, dir)
	for _, d := range []string{"harbourside-analytics.co.uk", "pennine-software.com", "oakridge-legal.co.uk",
		"riverbend-fabrication.co.uk", "quayside-media.co.uk", "shannon-medtech.ie"} {
		if got[d] != 0 {
			t.Errorf("%s: %d rows exported, want none (not a corporate subscriber)", d, got[d])
		}
	}
	if got["solent-marine.co.uk"] != 3 || got["northwind-payroll.co.uk"] != 3 {
		t.Errorf("corporate subscribers lost: %v", got)
	}
	u := rep.SubscriberUnknown
	if u == nil || u.Companies != 2 || u.Prospects < 5 {
		t.Fatalf("report subscriber_type_unknown = %+v, want 2 companies (quayside, shannon)", u)
	}
	var vals []string
	for _, v := range u.TopValues {
		vals = append(vals, v.Value)
	}
	if !slices.Contains(vals, "widgetco_form") || !slices.Contains(vals, "(missing)") {
		t.Errorf("top unrecognised values = %v", vals)
	}

	wh := openDB(t, filepath.Join(dir, "state", "warehouse.duckdb"))
	for domain, want := range map[string]string{
		"harbourside-analytics.co.uk": "individual company_type:sole_trader",
		"oakridge-legal.co.uk":        "individual company_type:partnership",
		"riverbend-fabrication.co.uk": "individual company_type:trading_as",
		"quayside-media.co.uk":        "unknown no_company_type_or_legal_suffix",
		"shannon-medtech.ie":          "unknown company_type:unrecognised",
		"solent-marine.co.uk":         "corporate name_suffix:ltd",
		"northwind-payroll.co.uk":     "corporate company_type:ltd",
	} {
		b := queryStrings(t, wh, "SELECT DISTINCT subscriber_type || ' ' || subscriber_basis FROM prospects WHERE company_domain = $1 AND email_type = 'personal'", domain)
		if len(b) != 1 || b[0] != want {
			t.Errorf("%s: subscriber type and basis %v, want %q", domain, b, want)
		}
	}
	// a free-webmail address stays individual whatever the company (A: people.csv:58)
	if b := queryStrings(t, wh, "SELECT subscriber_type || ' ' || subscriber_basis FROM prospects WHERE email = 'dave.pritchard1970@gmail.com'"); len(b) != 1 || b[0] != "individual email:free_webmail" {
		t.Errorf("free webmail: %v", b)
	}
	wh.Close()

	// the table report says it in words
	tr := mustPipeline(t, dir, "run")
	if !strings.Contains(tr.stdout, "subscriber type unknown: 2 companies") || !strings.Contains(tr.stdout, "widgetco_form (1)") {
		t.Errorf("report:\n%s", tr.stdout)
	}
}

// TestPECRLIAEnforced (issue 21, item 3): lia.b2b is read, an LIA dated in
// the future or past its review_by date is refused with file:line:col and
// no export is written; a valid LIA is recorded in the export manifest and
// the record of processing.
func TestPECRLIAEnforced(t *testing.T) {
	const lia = "balancing_test: passed,\n          b2b: true}"
	refused := []struct {
		name, to, want string
	}{
		{"b2b false", "balancing_test: passed,\n          b2b: false}",
			`pipeline.yaml:72:16: campaign "acme-q1": an email campaign on legitimate_interests needs lia.b2b: true`},
		{"b2b missing", "balancing_test: passed}",
			`pipeline.yaml:70:5: campaign "acme-q1": an email campaign on legitimate_interests needs lia.b2b: true`},
		{"assessed in the future", "balancing_test: passed,\n          b2b: true}", `campaign "acme-q1": LIA assessed_on 2099-01-01 is in the future`},
		{"review date passed", "balancing_test: passed,\n          b2b: true, review_by: 2026-11-01}",
			`pipeline.yaml:72:33: campaign "acme-q1": LIA expired on 2026-11-01 (review_by)`},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			dir := workspace(t)
			editConfig(t, dir, lia, tc.to)
			if tc.name == "assessed in the future" {
				editConfig(t, dir, "assessed_on: 2026-10-01", "assessed_on: 2099-01-01")
			}
			for _, cmd := range []string{"validate", "run"} {
				r := pipeline(t, dir, cmd)
				if r.code != 2 || !strings.Contains(r.stderr, tc.want) {
					t.Errorf("%s: exit %d, want 2 and %q\nstderr:\n%s", cmd, r.code, tc.want, r.stderr)
				}
			}
			if _, err := os.Stat(filepath.Join(dir, "exports", "acme_q1")); !os.IsNotExist(err) {
				t.Errorf("an export was written: %v", err)
			}
		})
	}

	dir := workspace(t)
	editConfig(t, dir, lia, "balancing_test: passed,\n          b2b: true, review_by: 2099-12-31}")
	mustPipeline(t, dir, "run")
	m, err := manifest.Read(filepath.Join(dir, "exports", "acme_q1"))
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{
		"lawful_basis": "legitimate_interests", "lia.assessed_on": "2026-10-01", "lia.assessed_by": "dpo@example.com",
		"lia.purpose_test": "passed", "lia.necessity_test": "passed", "lia.balancing_test": "passed",
		"lia.b2b": "true", "lia.review_by": "2099-12-31",
	} {
		if m.Metadata[k] != want {
			t.Errorf("manifest %s = %q, want %q", k, m.Metadata[k], want)
		}
	}
	cat := mustPipeline(t, dir, "catalog", "--format", "markdown")
	if !strings.Contains(cat.stdout, "LIA assessed 2026-10-01 by dpo@example.com: purpose test passed, necessity test passed, balancing test passed, b2b true, review by 2099-12-31") {
		t.Errorf("record of processing lacks the LIA:\n%s", cat.stdout)
	}
}

// TestPECRRecipientContact (issue 21, item 4): a campaign's recipient may
// be {name, contact}; the contact is in the manifest, in the erasure's
// Art. 19 list and in the SAR's recipients; the string form still works
// and is a positioned warning.
func TestPECRRecipientContact(t *testing.T) {
	const contact = "privacy@acme-payroll.example"
	dir := workspace(t)
	mustPipeline(t, dir, "run")
	m, err := manifest.Read(filepath.Join(dir, "exports", "acme_q1"))
	if err != nil {
		t.Fatal(err)
	}
	if m.Metadata["recipient"] != "Acme Payroll Ltd" || m.Metadata["recipient_contact"] != contact {
		t.Errorf("manifest recipient %q contact %q", m.Metadata["recipient"], m.Metadata["recipient_contact"])
	}
	s := mustPipeline(t, dir, "sar", "--email", sarEmail, "--format", "json")
	var rep struct {
		Recipients []struct{ Recipient, Contact string } `json:"recipients"`
	}
	if err := json.Unmarshal([]byte(s.stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Recipients) != 1 || rep.Recipients[0].Contact != contact {
		t.Errorf("SAR recipients %+v, want contact %s", rep.Recipients, contact)
	}
	txt := mustPipeline(t, dir, "sar", "--email", sarEmail, "--format", "text")
	if !strings.Contains(txt.stdout, "Acme Payroll Ltd ("+contact+")") {
		t.Errorf("SAR text lacks the contact:\n%s", txt.stdout)
	}
	dry := mustPipeline(t, dir, "erase", "--email", sarEmail, "--dry-run")
	er := mustPipeline(t, dir, "erase", "--email", sarEmail, "--yes")
	for _, out := range []string{dry.stdout, er.stdout} {
		if !strings.Contains(out, "Recipients to notify (GDPR Art. 19):\n  Acme Payroll Ltd ("+contact+")") {
			t.Errorf("Art. 19 list lacks the contact:\n%s", out)
		}
	}

	// the string form: still valid, with a warning at the value
	dir = workspace(t)
	editConfig(t, dir, "recipient: {name: Acme Payroll Ltd, contact: "+contact+"}", "recipient: Acme Payroll Ltd")
	v := mustPipeline(t, dir, "validate")
	if !strings.Contains(v.stderr, `pipeline.yaml:66:16: warning: campaign "acme-q1": recipient "Acme Payroll Ltd" has no contact`) {
		t.Errorf("validate stderr:\n%s", v.stderr)
	}
	mustPipeline(t, dir, "run")
	er = mustPipeline(t, dir, "erase", "--email", sarEmail, "--yes")
	if !strings.Contains(er.stdout, "Acme Payroll Ltd (no contact recorded: add recipient.contact in pipeline.yaml)") {
		t.Errorf("Art. 19 list without a contact:\n%s", er.stdout)
	}
}

// prospectColumns lists the prospects table's columns in a workspace.
func prospectColumns(t *testing.T, dir string) []string {
	t.Helper()
	wh := openDB(t, filepath.Join(dir, "state", "warehouse.duckdb"))
	defer wh.Close()
	return queryStrings(t, wh, "SELECT column_name FROM information_schema.columns WHERE table_name = 'prospects'")
}

// TestPECRSpecialCategory (issue 21, item 2): without a pin, the fixture
// notes ("union rep (GMB); back at work after heart surgery", "observes
// Ramadan") are special-category by their values; special-category
// columns are kept in raw only, never carried into prospects or
// deliverable; an export asking for them is refused.
func TestPECRSpecialCategory(t *testing.T) {
	for _, pinned := range []bool{true, false} {
		dir := workspace(t)
		if !pinned {
			editConfig(t, dir, "pin: {vendor_people.notes: special_category}", "pin: {}")
		}
		r := mustPipeline(t, dir, "run", "--format", "json")
		var rep flow.Report
		if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(rep.SpecialDropped, "vendor_people.notes") {
			t.Errorf("pinned=%v: report special_category_dropped = %v", pinned, rep.SpecialDropped)
		}
		if cols := prospectColumns(t, dir); len(cols) == 0 || slices.Contains(cols, "notes") {
			t.Errorf("pinned=%v: prospects columns %v, want no notes", pinned, cols)
		}
		wh := openDB(t, filepath.Join(dir, "state", "warehouse.duckdb"))
		got := queryStrings(t, wh, `SELECT category || ' ' || method FROM catalog WHERE dataset = 'vendor_people' AND "column" = 'notes'`)
		want := "special_category pinned"
		if !pinned {
			want = "special_category values"
		}
		if len(got) != 1 || got[0] != want {
			t.Errorf("pinned=%v: catalog vendor_people.notes = %v, want %q", pinned, got, want)
		}
		if n := queryStrings(t, wh, "SELECT count(*)::VARCHAR FROM information_schema.columns WHERE table_name = 'deliverable' AND column_name = 'notes'"); n[0] != "0" {
			t.Errorf("pinned=%v: deliverable has notes", pinned)
		}
		wh.Close()

		// an export asking for notes is refused, and nothing is written
		editConfig(t, dir, "company_domain, country]", "company_domain, country, notes]")
		before := exportChecksums(t, dir)
		v := pipeline(t, dir, "run")
		if v.code == 0 || !strings.Contains(v.stderr, `column "notes" is special-category data`) {
			t.Errorf("pinned=%v: export of notes: exit %d\n%s", pinned, v.code, v.stderr)
		}
		if after := exportChecksums(t, dir); !equalMaps(before, after) {
			t.Errorf("pinned=%v: the refused run changed the export", pinned)
		}
	}
}

// TestPECRFreeTextRefused (issue 21, item 2): an unpinned free-text column
// the classifier cannot place (long, varied, no personal pattern) is
// refused at the export gate, naming the column and how to pin it.
func TestPECRFreeTextRefused(t *testing.T) {
	dir := workspace(t)
	remarks := []string{
		"asked about invoice automation for the Leeds office",
		"wants a demo of the approval workflow next quarter",
		"budget review in March and follow up after that",
		"currently using spreadsheets for month end close",
		"interested in the multi-entity consolidation module",
		"evaluating three vendors and we are on the shortlist",
		"procurement needs a security questionnaire first",
		"likes the reporting pack but pricing is the concern",
	}
	path := filepath.Join(dir, "fixtures", "people.csv")
	lines := readLinesOf(t, path)
	lines[0] += ",remarks"
	for i := 1; i < len(lines); i++ {
		lines[i] += "," + remarks[i%len(remarks)]
	}
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	editConfig(t, dir, "company_domain, country]", "company_domain, country, remarks]")
	r := pipeline(t, dir, "run")
	if r.code == 0 || !strings.Contains(r.stderr, `column "remarks" is free text the classifier cannot place`) || !strings.Contains(r.stderr, "classification.pin") {
		t.Fatalf("run: exit %d\n%s", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "exports", "acme_q1")); !os.IsNotExist(err) {
		t.Errorf("an export was written: %v", err)
	}
	// once a person has checked it and pinned it, it is exported
	editConfig(t, dir, "pin: {vendor_people.notes: special_category}", "pin: {vendor_people.notes: special_category, prospects.remarks: company.other}")
	mustPipeline(t, dir, "run")
}

func readLinesOf(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}

// TestPECRConsent (issue 21, item 3): a consent campaign exports only the
// subjects with a recorded, unwithdrawn consent for its channels (a free
// webmail address and a sole trader included), needs a consent source,
// keeps the records hashed, and the SAR shows the consent record.
func TestPECRConsent(t *testing.T) {
	dir := workspace(t)
	editConfig(t, dir, "lawful_basis: legitimate_interests", "lawful_basis: consent")
	r := pipeline(t, dir, "validate")
	if r.code != 2 || !strings.Contains(r.stderr, `pipeline.yaml:68:19: campaign "acme-q1": lawful_basis consent needs the consent records`) {
		t.Fatalf("consent campaign without consent source: exit %d\n%s", r.code, r.stderr)
	}
	consent := "email,given_at,wording,channel,withdrawn_at,notes\n" +
		"HDixon@brightwater-logistics.co.uk,2026-09-01 10:00:00,newsletter v2,email,,pecr note\n" + // given
		"dave.pritchard1970@gmail.com,2026-09-02,newsletter v2,email,,\n" + // given, free webmail
		"tom.hughes@northwind-payroll.co.uk,2026-09-01,newsletter v2,email,2026-10-01,\n" + // withdrawn
		"sarah.okafor@northwind-payroll.co.uk,2026-09-01,call consent v1,phone,,\n" + // another channel
		"a.kaur@solent-marine.co.uk,,newsletter v2,email,,\n" // no date: not a consent
	if err := os.WriteFile(filepath.Join(dir, "fixtures", "consent.csv"), []byte(consent), 0o600); err != nil {
		t.Fatal(err)
	}
	editConfig(t, dir, "targeting:", "  consents:\n    role: consent\n    connector: csv\n    options: {path: fixtures/consent.csv}\ntargeting:")
	// a sole trader (an individual subscriber) may be emailed under consent
	setCompany(t, dir, "Brightwater Logistics plc", "Brightwater Logistics", "sole trader")
	mustPipeline(t, dir, "run")
	mem := openDB(t, "")
	got := queryStrings(t, mem, "SELECT email FROM read_parquet($1, hive_partitioning = true) ORDER BY 1", filepath.Join(dir, "exports", "acme_q1", "**", "*.parquet"))
	want := []string{"dave.pritchard1970@gmail.com", sarEmail}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("consent export = %v, want %v", got, want)
	}
	s := sar(t, dir)
	var rec map[string]any
	for _, f := range s.Found {
		if f.Dataset == "consents" && len(f.Rows) == 1 {
			rec = f.Rows[0]
		}
	}
	if rec["subject_key"] != sarKey || rec["wording"] != "newsletter v2" || rec["channel"] != "email" || rec["given_at"] != "2026-09-01 10:00:00" {
		t.Errorf("SAR does not list the consent record by the subject's hash: %v", s.Found)
	}
	// kept hashed like the suppression store: no email column, no raw
	// email (nor the file's other columns) in the warehouse's consent files
	wh := openDB(t, filepath.Join(dir, "state", "warehouse.duckdb"))
	cols := queryStrings(t, wh, "SELECT column_name FROM information_schema.columns WHERE table_name = 'raw_consents' ORDER BY ordinal_position")
	wh.Close()
	if want := "subject_key,channel,given_at,wording,withdrawn_at,_source,_run_id,_loaded_at"; strings.Join(cols, ",") != want {
		t.Errorf("raw_consents columns %v, want %s", cols, want)
	}
	files := filesUnder(t, filepath.Join(dir, "state", "warehouse.duckdb.raw", "raw_consents"))
	if len(files) == 0 {
		t.Fatal("no raw files for the consent source")
	}
	assertAbsent(t, files, "brightwater", "dave.pritchard", "pecr note")
	// an erasure removes the consent record; it does not come back
	mustPipeline(t, dir, "erase", "--email", sarEmail, "--yes")
	mustPipeline(t, dir, "run")
	if k := kinds(sar(t, dir)); k["consents"] != "" {
		t.Errorf("consent record after erasure: %v", k)
	}
}
