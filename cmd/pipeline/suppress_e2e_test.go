package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/example/pipeline/pipeline/engine"
	"github.com/example/pipeline/pipeline/flow"
	"github.com/example/pipeline/pipeline/normalize"
)

// People from fixtures/README.md.
const (
	unsubscribed = "r.fairclough@solent-marine.co.uk"          // A23, unsubscribes.csv
	domainHit    = "grace.pemberton@marlowe-insurance.co.uk"   // A20, blocked_domains.csv
	ctpsListed   = "michael.adeyemi@blackthorn-retail.co.uk"   // A21, ctps.csv
	objector     = "bennett.laura@riverbend-fabrication.co.uk" // exported until `pipeline object`
	restricted   = "stuart.mckay@hadrianhealth.co.uk"          // exported until `pipeline restrict`
	erased       = "ckelly@shannon-medtech.ie"                 // exported until tombstoned
)

// List values that match nobody in the people files, so they can only
// reach the warehouse through the suppression path (fixtures/README.md).
var listOnlyValues = []string{
	"old.contact@blackthorn-retail.co.uk", "jane.doe@example-left-company.co.uk", "JANE.DOE@EXAMPLE-LEFT-COMPANY.CO.UK",
	"b.smith@corribfoods.ie",
	"+44 20 7946 0999", "+442079460999", "020 7946 0999", "02079460999",
	"0113 496 0001", "+441134960001", "01134960001",
	"+353 1 555 0999", "+35315550999",
	"020 7946 0998", "+442079460998", "02079460998",
}

func suppKey(t *testing.T, email string) string {
	t.Helper()
	k, ok := normalize.EmailKey(email)
	if !ok {
		t.Fatalf("bad fixture email")
	}
	return k
}

func suppRun(t *testing.T, dir string) flow.Report {
	t.Helper()
	r := mustPipeline(t, dir, "run", "--format", "json")
	var rep flow.Report
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("run report: %v\n%s", err, r.stdout)
	}
	return rep
}

// suppWarehouse opens the workspace's warehouse (no pipeline process may hold it).
func suppWarehouse(t *testing.T, dir string) *engine.DB {
	t.Helper()
	db, err := engine.Open(context.Background(), engine.Settings{Path: filepath.Join(dir, "state", "warehouse.duckdb")})
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// suppState is what a run left behind for the people under test.
type suppState struct {
	exported    map[string]bool // subject_keys in the acme_q1 Parquet files
	prospects   map[string]bool
	deliverable map[string]*string // subject_key -> phone
	rawHits     int                // rows of raw_* tables holding the erased email
}

func suppReadState(t *testing.T, dir string) suppState {
	t.Helper()
	ctx := context.Background()
	db := suppWarehouse(t, dir)
	defer db.Close()
	st := suppState{exported: map[string]bool{}, prospects: map[string]bool{}, deliverable: map[string]*string{}}
	glob := filepath.Join(dir, "exports", "acme_q1", "**", "*.parquet")
	for q, m := range map[string]map[string]bool{
		"SELECT subject_key FROM read_parquet(" + engine.Literal(glob) + ")": st.exported,
		"SELECT subject_key FROM prospects":                                  st.prospects,
	} {
		rows, err := db.QueryContext(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				t.Fatal(err)
			}
			m[k] = true
		}
		rows.Close()
	}
	rows, err := db.QueryContext(ctx, "SELECT subject_key, phone FROM deliverable")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k string
		var p *string
		if err := rows.Scan(&k, &p); err != nil {
			t.Fatal(err)
		}
		st.deliverable[k] = p
	}
	rows.Close()
	for _, tbl := range []string{"raw_vendor_people", "raw_crm_people"} {
		var n int
		q := "SELECT count(*) FROM " + engine.Quote(tbl) + " t WHERE contains(lower(CAST(t AS VARCHAR)), " + engine.Literal(erased) + ")"
		if err := db.QueryRowContext(ctx, q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		st.rawHits += n
	}
	return st
}

func suppStageRow(rep flow.Report, stage, step string) flow.StageRow {
	for _, s := range rep.Stages {
		if s.Stage == stage && s.Step == step {
			return s
		}
	}
	return flow.StageRow{}
}

func TestSuppressionAcrossRuns(t *testing.T) {
	dir := workspace(t)
	ks := map[string]string{}
	for _, e := range []string{unsubscribed, domainHit, ctpsListed, objector, restricted, erased} {
		ks[e] = suppKey(t, e)
	}

	// Run 1: the lists alone.
	suppRun(t, dir)
	st := suppReadState(t, dir)
	for _, e := range []string{objector, restricted, erased, ctpsListed} {
		if !st.exported[ks[e]] {
			t.Fatalf("run 1: %s's subject_key not exported", ks[e])
		}
	}
	if p, ok := st.deliverable[ks[ctpsListed]]; !ok || p != nil {
		t.Errorf("run 1: CTPS-listed person: in deliverable %v, phone removed %v", ok, p == nil)
	}
	erasedRows := st.rawHits // what the stage must refuse, and count, once tombstoned
	if erasedRows < 1 {
		t.Fatalf("run 1: the raw tables hold %d rows of the subject to erase", erasedRows)
	}

	// Between runs: an objection, a restriction, an erasure tombstone.
	r := mustPipeline(t, dir, "object", "--email", "  Bennett.Laura@Riverbend-Fabrication.co.uk")
	if strings.Contains(r.stdout+r.stderr, "ennett") {
		t.Errorf("object printed the raw email:\n%s%s", r.stdout, r.stderr)
	}
	mustPipeline(t, dir, "restrict", "--email", restricted, "--note", "dispute ticket 88")
	db := suppWarehouse(t, dir)
	if _, err := db.ExecContext(context.Background(),
		`INSERT INTO suppression (kind, hash, reason, source, added_at, added_by) VALUES ('email', $1, 'erasure', 'erasure', now(), 'test')`, ks[erased]); err != nil {
		t.Fatal(err)
	}
	db.Close()

	// Runs 2 and 3: the same decisions every time; manual entries survive syncs.
	for run := 2; run <= 3; run++ {
		rep := suppRun(t, dir)
		st := suppReadState(t, dir)
		for _, e := range []string{unsubscribed, domainHit, objector, restricted, erased} {
			if st.exported[ks[e]] {
				t.Errorf("run %d: suppressed subject %s exported", run, ks[e])
			}
		}
		if !st.exported[ks[ctpsListed]] {
			t.Errorf("run %d: CTPS-listed person not exported", run)
		}
		if p, ok := st.deliverable[ks[ctpsListed]]; !ok || p != nil {
			t.Errorf("run %d: CTPS-listed person: deliverable %v, phone removed %v", run, ok, p == nil)
		}
		// stored, not processed: out of prospects (their raw rows stay)
		if st.prospects[ks[restricted]] || st.prospects[ks[objector]] {
			t.Errorf("run %d: restricted (%v) or objecting (%v) person processed into prospects", run, st.prospects[ks[restricted]], st.prospects[ks[objector]])
		}
		if st.prospects[ks[erased]] || st.rawHits != 0 {
			t.Errorf("run %d: tombstoned person in prospects %v, raw rows %d", run, st.prospects[ks[erased]], st.rawHits)
		}
		if got := suppStageRow(rep, "stage", "vendor_people").Suppressed + suppStageRow(rep, "stage", "crm_people").Suppressed; got != int64(erasedRows) {
			t.Errorf("run %d: report counts %d refused rows for the people sources, want %d", run, got, erasedRows)
		}
		lists := map[string]int64{}
		for _, s := range rep.Suppression {
			lists[s.List+"/"+s.Reason] += s.People
		}
		if lists["manual/objection"] != 1 || lists["manual/restriction"] != 1 {
			t.Errorf("run %d: report suppression counts %v", run, lists)
		}
	}
	out := mustPipeline(t, dir, "suppress", "list", "--source", "manual", "--format", "json").stdout
	for _, k := range []string{ks[objector], ks[restricted]} {
		if !strings.Contains(out, k) {
			t.Errorf("manual entry %s lost after syncs:\n%s", k, out)
		}
	}

	// suppress check explains; exit 0 whether suppressed or not.
	chk := mustPipeline(t, dir, "suppress", "check", "--email", restricted).stdout
	if !strings.Contains(chk, "restricted: yes") || !strings.Contains(chk, "suppressed: yes") {
		t.Errorf("check restricted:\n%s", chk)
	}
	chk = mustPipeline(t, dir, "suppress", "check", "--phone", "+44 (0)20 7946 0311").stdout
	if !strings.Contains(chk, "removes only the phone number") || !strings.Contains(chk, "ctps") {
		t.Errorf("check phone:\n%s", chk)
	}
	chk = mustPipeline(t, dir, "suppress", "check", "--email", "nobody@nowhere-ltd.co.uk").stdout
	if !strings.Contains(chk, "suppressed: no") {
		t.Errorf("check unknown:\n%s", chk)
	}

	// A tombstone cannot be removed.
	rm := pipeline(t, dir, "suppress", "remove", "--email", erased)
	if rm.code != 2 || !strings.Contains(rm.stderr, "erasure tombstones are permanent") {
		t.Errorf("remove tombstone: exit %d\n%s%s", rm.code, rm.stdout, rm.stderr)
	}

	// Unrestrict: back in the export on the next run.
	mustPipeline(t, dir, "unrestrict", "--email", restricted)
	suppRun(t, dir)
	if st := suppReadState(t, dir); !st.exported[ks[restricted]] {
		t.Errorf("unrestricted person not back in the export")
	}

	// The audit log holds every change, by subject_key, and verifies (object
	// and restrict audit the recipients they name: *.notify; the
	// retention purge at the end of each run is audited too; not counted here).
	db = suppWarehouse(t, dir)
	defer db.Close()
	var actions string
	if err := db.QueryRowContext(context.Background(), "SELECT string_agg(action, ',' ORDER BY seq) FROM audit_log WHERE action <> 'purge'").Scan(&actions); err != nil {
		t.Fatal(err)
	}
	if actions != "object,objection.notify,restrict,restriction.notify,unrestrict" {
		t.Errorf("audit actions = %q", actions)
	}
}

// TestHashedAndRawListsAgree runs the fixtures twice: once with the raw
// unsubscribe list, once with the same people as SHA-256 only.
func TestHashedAndRawListsAgree(t *testing.T) {
	rawDir, hashedDir := workspace(t), workspace(t)
	b, err := os.ReadFile(filepath.Join(rawDir, "fixtures", "unsubscribes.csv"))
	if err != nil {
		t.Fatal(err)
	}
	var hashed bytes.Buffer
	hashed.WriteString("sha256\n")
	for _, line := range strings.Split(string(b), "\n")[1:] {
		if strings.TrimSpace(line) == "" {
			continue
		}
		hashed.WriteString(suppKey(t, line) + "\n")
	}
	if err := os.WriteFile(filepath.Join(hashedDir, "fixtures", "unsubscribes.csv"), hashed.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	var exports [2][]string
	for i, dir := range []string{rawDir, hashedDir} {
		suppRun(t, dir)
		st := suppReadState(t, dir)
		for k := range st.exported {
			exports[i] = append(exports[i], k)
		}
		slices.Sort(exports[i])
	}
	if len(exports[0]) == 0 || !slices.Equal(exports[0], exports[1]) {
		t.Errorf("raw list exports %d people, hashed list %d; they differ", len(exports[0]), len(exports[1]))
	}
	if slices.Contains(exports[1], suppKey(t, unsubscribed)) {
		t.Errorf("hashed list did not suppress A23")
	}
}

// TestSuppressionValuesNeverStored checks `suppress list` and the bytes of
// the warehouse file for raw list values.
func TestSuppressionValuesNeverStored(t *testing.T) {
	dir := workspace(t)
	suppRun(t, dir)
	mustPipeline(t, dir, "suppress", "add", "--phone", "020 7946 0998", "--reason", "tps")
	mustPipeline(t, dir, "suppress", "add", "--email", "b.smith@corribfoods.ie", "--reason", "complaint")
	imp := filepath.Join(dir, "more.csv")
	if err := os.WriteFile(imp, []byte("email\n Old.Contact@Blackthorn-Retail.co.uk\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	mustPipeline(t, dir, "suppress", "import", imp, "--kind", "email", "--reason", "client_dnc")
	suppRun(t, dir)
	var listed string
	for _, f := range []string{"table", "json"} {
		listed += mustPipeline(t, dir, "suppress", "list", "--format", f).stdout
	}
	// Every table, every column, as text: no raw list value anywhere.
	ctx := context.Background()
	db := suppWarehouse(t, dir)
	rows, err := db.QueryContext(ctx, "SELECT table_name FROM duckdb_tables() WHERE NOT temporary")
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	for _, tbl := range tables {
		for _, v := range listOnlyValues {
			var n int
			q := "SELECT count(*) FROM " + engine.Quote(tbl) + " t WHERE contains(lower(CAST(t AS VARCHAR)), lower($1))"
			if err := db.QueryRowContext(ctx, q, v).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n > 0 {
				t.Errorf("table %s holds a raw list value in %d rows", tbl, n)
			}
		}
	}
	if _, err := db.ExecContext(ctx, "CHECKPOINT"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	file, err := os.ReadFile(filepath.Join(dir, "state", "warehouse.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	lowerFile := bytes.ToLower(file)
	for _, v := range listOnlyValues {
		if strings.Contains(strings.ToLower(listed), strings.ToLower(v)) {
			t.Errorf("suppress list shows a raw list value")
		}
		if bytes.Contains(lowerFile, []byte(strings.ToLower(v))) {
			t.Errorf("warehouse file holds a raw list value (%d bytes searched)", len(file))
		}
	}
	if !strings.Contains(listed, "marlowe-insurance.co.uk") {
		t.Errorf("suppress list should show domains in clear")
	}
}

// TestListSyncFollowsTheFile: a run syncs each list into the store: an
// entry that left the file leaves the store, a new one arrives, and the
// ones that stayed keep their added_at; the people behind them follow.
func TestListSyncFollowsTheFile(t *testing.T) {
	dir := workspace(t)
	suppRun(t, dir)
	ctx := context.Background()
	entries := func() map[string]string { // hash -> added_at
		db := suppWarehouse(t, dir)
		defer db.Close()
		rows, err := db.QueryContext(ctx, "SELECT hash, CAST(added_at AS VARCHAR) FROM suppression WHERE source = 'unsubscribes'")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string]string{}
		for rows.Next() {
			var h, at string
			if err := rows.Scan(&h, &at); err != nil {
				t.Fatal(err)
			}
			out[h] = at
		}
		return out
	}
	before := entries()
	gone, added := suppKey(t, unsubscribed), suppKey(t, objector)
	if _, ok := before[gone]; !ok || len(before) < 3 {
		t.Fatalf("run 1: store %v lacks the unsubscribed person", before)
	}
	if _, ok := before[added]; ok {
		t.Fatalf("run 1: the objector is already on the list")
	}
	p := filepath.Join(dir, "fixtures", "unsubscribes.csv")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range strings.Split(strings.TrimRight(string(b), "\n"), "\n") {
		if !strings.EqualFold(strings.TrimSpace(l), unsubscribed) {
			lines = append(lines, l)
		}
	}
	lines = append(lines, objector)
	if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	suppRun(t, dir)
	after := entries()
	// an unsubscribe is sticky (docs/rights.md): a line that left the file
	// is no withdrawal, so the sync adds and never removes it
	if _, ok := after[gone]; !ok {
		t.Errorf("an unsubscribe that left the file left the store")
	}
	if _, ok := after[added]; !ok {
		t.Errorf("a new entry did not reach the store")
	}
	if len(after) != len(before)+1 {
		t.Errorf("store holds %d entries, want %d (one in, none out)", len(after), len(before)+1)
	}
	for h, at := range before {
		if h != gone && after[h] != at {
			t.Errorf("an entry that stayed changed its added_at: %s -> %s", at, after[h])
		}
	}
	st := suppReadState(t, dir)
	if st.exported[gone] || st.exported[added] {
		t.Errorf("exports: left-the-list person exported %v, newly listed exported %v", st.exported[gone], st.exported[added])
	}
}
