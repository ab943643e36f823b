package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/example/pipeline/pipeline/engine"
	"github.com/example/pipeline/pipeline/rights"
)

// People added to the workspace's people.csv by the hop tests (fictional;
// Ofcom drama numbers).
const (
	// a subject whose own row carries no name, on a shared switchboard number
	namelessEmail = "accounts.lead@northwind-payroll.co.uk"
	namelessRow   = ",," + namelessEmail + ",Finance Director,northwind-payroll.co.uk,+44 20 7946 0555,,GB,"
	// a colleague on the same number, no email, with a special-category note
	strangerRow = "Pat,Quillfeather,,Head of Finance,northwind-payroll.co.uk,020 7946 0555,,GB,recovering from surgery"
	// a subject with a name, phone and profile, and a second (email-less)
	// row of theirs reached both by --linkedin and by the phone hop
	twiceEmail   = "morwenna.tregenza@northwind-payroll.co.uk"
	twiceProfile = "https://www.linkedin.com/in/morwenna-tregenza-77"
	twiceRow1    = "Morwenna,Tregenza," + twiceEmail + ",Finance Director,northwind-payroll.co.uk,+44 20 7946 0561," + twiceProfile + ",GB,"
	twiceRow2    = "Morwenna,Tregenza,,Finance Director,northwind-payroll.co.uk,020 7946 0561,linkedin.com/in/morwenna-tregenza-77/,GB,"
)

// rawCount counts the rows of a raw table whose text holds needle.
func rawCount(t *testing.T, dir, table, needle string) int {
	t.Helper()
	db := suppWarehouse(t, dir)
	defer db.Close()
	var n int
	q := "SELECT count(*) FROM " + engine.Quote(table) + " t WHERE contains(lower(CAST(t AS VARCHAR)), lower(" + engine.Literal(needle) + "))"
	if err := db.QueryRowContext(context.Background(), q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestIdentityHopNeverReachesStrangers: when the subject's own rows carry
// no name, their phone is not followed (the SAR says so): a colleague on
// the same switchboard number is neither disclosed nor erased.
func TestIdentityHopNeverReachesStrangers(t *testing.T) {
	dir := workspace(t)
	appendLine(t, dir, "people.csv", namelessRow)
	appendLine(t, dir, "people.csv", strangerRow)
	mustPipeline(t, dir, "run")
	if n := rawCount(t, dir, "raw_vendor_people", "Quillfeather"); n != 1 {
		t.Fatalf("the colleague's row is not staged (%d)", n)
	}

	r := mustPipeline(t, dir, "sar", "--email", namelessEmail, "--format", "json")
	if strings.Contains(r.stdout, "Quillfeather") || strings.Contains(r.stdout, "surgery") {
		t.Errorf("the SAR discloses the colleague who shares the switchboard number:\n%s", r.stdout)
	}
	var rep rights.Report
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatal(err)
	}
	nf := rep.Identifiers.NotFollowed
	if len(nf) != 1 || nf[0].Kind != "phone" || nf[0].Value != "+442079460555" || !strings.Contains(nf[0].Reason, "no name") {
		t.Errorf("identifiers not followed: %+v", nf)
	}
	txt := mustPipeline(t, dir, "sar", "--email", namelessEmail, "--format", "text").stdout
	if !strings.Contains(txt, "not followed") {
		t.Errorf("the text SAR does not say which identifier was not followed:\n%s", txt)
	}

	mustPipeline(t, dir, "erase", "--email", namelessEmail, "--yes")
	if n := rawCount(t, dir, "raw_vendor_people", "Quillfeather"); n != 1 {
		t.Errorf("erasure of the nameless subject deleted the colleague's row (left: %d)", n)
	}
	if n := rawCount(t, dir, "raw_vendor_people", namelessEmail); n != 0 {
		t.Errorf("the subject's own row survived the erasure (%d)", n)
	}

	// an invalid --phone is a usage error, not silently dropped
	for _, args := range [][]string{{"sar"}, {"erase", "--dry-run"}} {
		args = append(args, "--email", namelessEmail, "--phone", "not a number")
		if r := pipeline(t, dir, args...); r.code != 2 || !strings.Contains(r.stderr, "--phone") {
			t.Errorf("%v: exit %d\n%s", args, r.code, r.stderr)
		}
	}
}

// TestEraseDryRunMatchesErase: a row reached both through --linkedin and
// through the phone hop is listed once, and the dry run names exactly the
// rows the erasure then deletes.
func TestEraseDryRunMatchesErase(t *testing.T) {
	dir := workspace(t)
	appendLine(t, dir, "people.csv", twiceRow1)
	appendLine(t, dir, "people.csv", twiceRow2)
	mustPipeline(t, dir, "run")

	sar := mustPipeline(t, dir, "sar", "--email", twiceEmail, "--linkedin", twiceProfile, "--format", "json").stdout
	var rep rights.Report
	if err := json.Unmarshal([]byte(sar), &rep); err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Found {
		if f.Dataset == "vendor_people" && len(f.Rows) != 2 {
			t.Errorf("SAR lists %d vendor_people rows, want the subject's 2 (each once)", len(f.Rows))
		}
	}

	dry := mustPipeline(t, dir, "erase", "--email", twiceEmail, "--linkedin", twiceProfile, "--dry-run", "--format", "json").stdout
	var plan, done rights.EraseResult
	if err := json.Unmarshal([]byte(dry), &plan); err != nil {
		t.Fatal(err)
	}
	real := mustPipeline(t, dir, "erase", "--email", twiceEmail, "--linkedin", twiceProfile, "--yes", "--format", "json").stdout
	if err := json.Unmarshal([]byte(real), &done); err != nil {
		t.Fatal(err)
	}
	rows := func(r rights.EraseResult) map[string]int64 {
		m := map[string]int64{}
		for _, t := range r.Tables {
			m[t.Table] += t.Rows
		}
		return m
	}
	p, d := rows(plan), rows(done)
	if p["raw_vendor_people"] != 2 {
		t.Errorf("dry run: raw_vendor_people %d rows, want 2", p["raw_vendor_people"])
	}
	for table, n := range p {
		if d[table] != n {
			t.Errorf("table %s: the dry run said %d rows, the erasure deleted %d", table, n, d[table])
		}
	}
	for table, n := range d {
		if p[table] != n {
			t.Errorf("table %s: the erasure deleted %d rows, the dry run said %d", table, n, p[table])
		}
	}
	if n := rawCount(t, dir, "raw_vendor_people", "Tregenza"); n != 0 {
		t.Errorf("%d rows of the subject left in raw_vendor_people", n)
	}
}
