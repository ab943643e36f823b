package rights

import (
	"context"
	"database/sql"
	"encoding/csv"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/rs/zerolog"

	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/connect"
	"github.com/example/pipeline/pipeline/flow"
	"github.com/example/pipeline/pipeline/normalize"
	"github.com/example/pipeline/pipeline/normalize/normalizetest"
)

// parityYAML is a project with one people source (the corpus) and the
// corpus' companies, every person a finance director at a target company.
const parityYAML = `version: 1
name: parity
controller: {name: Parity Ltd, contact: dpo@example.com}
warehouse: state/warehouse.duckdb
exports_dir: exports
engine: {threads: 2}
sources:
  companies:
    role: companies
    connector: csv
    options: {path: companies.csv}
    map: {domain: website, name: company_name}
  people:
    role: people
    connector: csv
    options: {path: people.csv}
    retention: 12 months
targeting:
  companies: "employees >= 50"
  roles:
    - {department: finance, seniority: [director]}
campaigns:
  parity:
    recipient: Parity Recipient Ltd
    purpose: B2B outreach
    lawful_basis: legitimate_interests
    regions: [GB, IE]
    lia: {assessed_on: 2026-10-01, assessed_by: dpo@example.com,
          purpose_test: passed, necessity_test: passed, balancing_test: passed,
          b2b: true}
exports:
  parity:
    campaign: parity
    columns: [subject_key, first_name, last_name, email, company_domain, country]
    sink: {connector: parquet, options: {dir: exports/parity}}
`

// goPerson is what the Go path (normalize, NewSubject) makes of every
// written form of one person of the corpus.
type goPerson struct {
	subject Subject
	domain  string
	phone   string
	forms   int
}

// TestSQLGoParity runs the product's run over the awkward-inputs corpus
// (normalizetest) and checks that the SQL path agrees with the Go path
// the rights code uses: each person is one row of prospects whose
// subject_key, email, company domain and phone are what normalize and
// NewSubject make of every one of their written forms, and a SAR started
// from any form finds that row.
func TestSQLGoParity(t *testing.T) {
	ctx := context.Background()
	forms, err := normalizetest.Corpus()
	if err != nil {
		t.Fatal(err)
	}
	people := map[string]*goPerson{}
	dir := t.TempDir()
	var peopleRows, companyRows [][]string
	for _, f := range forms {
		s, err := NewSubject(f.Email, f.Phone, "", f.Country)
		if err != nil {
			t.Fatalf("awkward.txt:%d: the Go path refuses the email: %v", f.Line, err)
		}
		d, okD := normalize.Domain(f.Website)
		if !okD || len(s.Phones) != 1 {
			t.Fatalf("awkward.txt:%d: the Go path refuses the website (%v) or the phone (%v)", f.Line, okD, s.Phones)
		}
		p := people[f.Person]
		if p == nil {
			p = &goPerson{subject: s, domain: d, phone: s.Phones[0]}
			people[f.Person] = p
			companyRows = append(companyRows, []string{f.Person + " Ltd", f.Website, "250", f.Country})
		}
		if s.Key != p.subject.Key || s.Email != p.subject.Email || d != p.domain || s.Phones[0] != p.phone {
			t.Fatalf("awkward.txt:%d: the Go path gives %s a second identity", f.Line, f.Person)
		}
		p.forms++
		peopleRows = append(peopleRows, []string{f.Person, "Parity", f.Email, "Finance Director", f.Website, f.Phone, f.Country})
	}
	writeCSV(t, filepath.Join(dir, "companies.csv"), []string{"company_name", "website", "employees", "country"}, companyRows)
	writeCSV(t, filepath.Join(dir, "people.csv"), []string{"first_name", "last_name", "email", "job_title", "company_domain", "phone", "country"}, peopleRows)
	if err := os.WriteFile(filepath.Join(dir, "pipeline.yaml"), []byte(parityYAML), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(filepath.Join(dir, "pipeline.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := (&flow.Runner{Config: cfg, Connectors: connect.InProcess{}, Log: zerolog.Nop()}).Run(ctx, flow.Options{})
	if err != nil || rep.Status != "succeeded" {
		t.Fatalf("run: %v %+v", err, rep)
	}

	c, _ := openFixture(t, cfg)
	rows := prospectsByPerson(t, c)
	for name, p := range people {
		got := rows[name]
		if len(got) != 1 {
			t.Errorf("%s (%d written forms): %d rows in prospects, want one: %v", name, p.forms, len(got), got)
			continue
		}
		want := [4]string{p.subject.Key, p.subject.Email, p.domain, p.phone}
		if got[0] != want {
			t.Errorf("%s: SQL (subject_key, email, domain, phone) = %q, Go = %q", name, got[0], want)
		}
		f, err := Find(ctx, c, cfg, p.subject, FindOptions{})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, tb := range f.Tables {
			if tb.Table == "prospects" {
				n = len(tb.Rows)
			}
		}
		if n != 1 {
			t.Errorf("%s: a SAR from the Go subject finds %d prospects rows, want 1", name, n)
		}
	}
	if len(rows) != len(people) {
		t.Errorf("prospects holds %d people, the corpus %d", len(rows), len(people))
	}
}

// prospectsByPerson reads prospects: first name -> each row's
// (subject_key, email, company_domain, phone).
func prospectsByPerson(t *testing.T, c *sql.Conn) map[string][][4]string {
	t.Helper()
	rs, err := c.QueryContext(context.Background(), `SELECT first_name, subject_key, email, company_domain, coalesce(phone, '') FROM prospects`)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	out := map[string][][4]string{}
	for rs.Next() {
		var name string
		var r [4]string
		if err := rs.Scan(&name, &r[0], &r[1], &r[2], &r[3]); err != nil {
			t.Fatal(err)
		}
		out[name] = append(out[name], r)
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
	for _, v := range out {
		sort.Slice(v, func(a, b int) bool { return v[a][0] < v[b][0] })
	}
	return out
}

func writeCSV(t *testing.T, path string, header []string, rows [][]string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	w := csv.NewWriter(f)
	_ = w.Write(header)
	_ = w.WriteAll(rows)
	if err := w.Error(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}
