package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/example/pipeline/pipeline/flow"
)

// pgDSN returns the throwaway PostgreSQL that make test starts; it fails
// (not skips) in CI when there is none.
func pgDSN(t *testing.T) string {
	dsn := os.Getenv("PIPELINE_TEST_PG_DSN")
	if dsn == "" {
		if os.Getenv("CI") != "" || os.Getenv("PIPELINE_REQUIRE_PG") == "1" {
			t.Fatal("PIPELINE_TEST_PG_DSN is not set: run the tests through make test (it starts PostgreSQL)")
		}
		t.Skip("no PostgreSQL: set PIPELINE_TEST_PG_DSN or run make test")
	}
	return dsn
}

// TestPostgresEndToEnd: a PostgreSQL people source (the CRM) and a
// PostgreSQL export sink, both through go-plugin processes.
func TestPostgresEndToEnd(t *testing.T) {
	dsn := pgDSN(t)
	ctx := context.Background()
	pg, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close(ctx)
	schema := fmt.Sprintf("e2e_%d", rand.Uint32())
	if _, err := pg.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	defer pg.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")

	dir := workspace(t)
	// load the CRM fixture into PostgreSQL
	recs := readCSV(t, filepath.Join(dir, "fixtures", "people_crm.csv"))
	if _, err := pg.Exec(ctx, `CREATE TABLE `+schema+`.crm ("First Name" text, "Last Name" text, "Work Email" text, "Title" text, "Company Website" text, "Phone" text)`); err != nil {
		t.Fatal(err)
	}
	var rows [][]any
	for _, r := range recs[1:] {
		row := make([]any, len(r))
		for i, v := range r {
			if v == "" {
				row[i] = nil
			} else {
				row[i] = v
			}
		}
		rows = append(rows, row)
	}
	if _, err := pg.CopyFrom(ctx, pgx.Identifier{schema, "crm"}, []string{"First Name", "Last Name", "Work Email", "Title", "Company Website", "Phone"}, pgx.CopyFromRows(rows)); err != nil {
		t.Fatal(err)
	}

	p := filepath.Join(dir, "pipeline.yaml")
	b, _ := os.ReadFile(p)
	y := strings.Replace(string(b), "    options: {path: fixtures/people_crm.csv}",
		"    connector: postgres\n    options: {dsn: \"${CRM_DSN}\", table: "+schema+".crm}", 1)
	y = strings.Replace(y, "  crm_people:\n    role: people\n    connector: csv\n", "  crm_people:\n    role: people\n", 1)
	y = strings.Replace(y, "classification:", `  crm_sync:
    campaign: acme-q1
    columns: [subject_key, first_name, last_name, job_title, email, company_name, company_domain, country]
    sink: {connector: postgres, options: {dsn: "${CRM_DSN}", table: `+schema+`.acme_prospects}}
classification:`, 1)
	if err := os.WriteFile(p, []byte(y), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("CRM_DSN", dsn)
	r := mustPipeline(t, dir, "run")
	if strings.Contains(r.stdout+r.stderr, dsn) {
		t.Errorf("the DSN appears in the output")
	}
	var got []string
	prow, err := pg.Query(ctx, "SELECT subject_key FROM "+schema+".acme_prospects ORDER BY 1")
	if err != nil {
		t.Fatal(err)
	}
	for prow.Next() {
		var k string
		prow.Scan(&k)
		got = append(got, k)
	}
	prow.Close()
	sort.Strings(got)
	want := expectedKeys(t)
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("postgres export: got %d keys, want %d (the oracle)", len(got), len(want))
	}
	// the Parquet export from the same run agrees
	mem := openDB(t, "")
	pq := queryStrings(t, mem, "SELECT subject_key FROM read_parquet($1) ORDER BY 1", filepath.Join(dir, "exports", "acme_q1", "**", "*.parquet"))
	if strings.Join(pq, ",") != strings.Join(want, ",") {
		t.Fatalf("parquet export differs")
	}

	// A SAR finds the subject in the PostgreSQL sink through Locate.
	const email = "aisling.murphy@liffeycloud.ie"
	sar := mustPipeline(t, dir, "sar", "--email", email, "--format", "json")
	var sarRep struct {
		Found []struct {
			Dataset, Kind string
			Rows          []map[string]any
		}
	}
	if err := json.Unmarshal([]byte(sar.stdout), &sarRep); err != nil {
		t.Fatal(err)
	}
	located := false
	for _, f := range sarRep.Found {
		if f.Dataset == "crm_sync" && len(f.Rows) > 0 {
			located = true
		}
	}
	if !located || strings.Contains(sar.stdout, dsn) {
		t.Fatalf("SAR did not locate the subject in the postgres sink (or printed the DSN):\n%s", sar.stdout)
	}

	// Erasure reaches the PostgreSQL sink through the connector's Erase.
	r = mustPipeline(t, dir, "erase", "--email", email, "--yes")
	if strings.Contains(r.stdout+r.stderr, dsn) {
		t.Errorf("the DSN appears in the erase output")
	}
	var left int
	if err := pg.QueryRow(ctx, "SELECT count(*) FROM "+schema+".acme_prospects WHERE subject_key = $1", key(email)).Scan(&left); err != nil {
		t.Fatal(err)
	}
	var total int
	pg.QueryRow(ctx, "SELECT count(*) FROM "+schema+".acme_prospects").Scan(&total)
	if left != 0 || total != len(want)-1 {
		t.Fatalf("after erase: %d rows of the subject, %d rows in all (want 0 and %d)", left, total, len(want)-1)
	}

	// The next run reads the subject again from the PostgreSQL source (a
	// record stream) and refuses the row at stage: the tombstone screen
	// reads the stream twice, which must not empty it.
	r = mustPipeline(t, dir, "run", "--format", "json")
	var rep flow.Report
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatal(err)
	}
	refused := -1
	for _, st := range rep.Stages {
		if st.Stage == "stage" && st.Step == "crm_people" {
			refused = int(st.Suppressed)
		}
	}
	if refused != 1 {
		t.Fatalf("crm_people (postgres stream) refused %d rows of the erased subject, want 1", refused)
	}
	pg.QueryRow(ctx, "SELECT count(*) FROM "+schema+".acme_prospects").Scan(&total)
	pg.QueryRow(ctx, "SELECT count(*) FROM "+schema+".acme_prospects WHERE subject_key = $1", key(email)).Scan(&left)
	if left != 0 || total != len(want)-1 {
		t.Fatalf("after the second run: %d rows of the subject, %d in all (want 0 and %d)", left, total, len(want)-1)
	}
}
