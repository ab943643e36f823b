package main

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/example/pipeline/connectors/manifest"
	"github.com/example/pipeline/pipeline/flow"
	"github.com/example/pipeline/pipeline/warehouse"
)

// openDB opens a DuckDB file (the warehouse, read-only) or memory ("").
func openDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	dsn := ""
	if path != "" {
		dsn = path + "?access_mode=READ_ONLY"
	}
	db, err := sql.Open("duckdb", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func queryStrings(t *testing.T, db *sql.DB, q string, args ...any) []string {
	t.Helper()
	rows, err := db.Query(q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s sql.NullString
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s.String)
	}
	return out
}

func expectedKeys(t *testing.T) []string {
	f, err := os.Open(filepath.Join(repoRoot(t), "fixtures", "expected", "acme_q1.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, r := range recs[1:] {
		keys = append(keys, r[1])
	}
	sort.Strings(keys)
	return keys
}

func key(email string) string {
	h := sha256.Sum256([]byte(email))
	return hex.EncodeToString(h[:])
}

// exportChecksums maps each export file (relative path) to its sha256.
func exportChecksums(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	files, err := manifest.Inventory(context.Background(), filepath.Join(dir, "exports", "acme_q1"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		out[f.Path] = f.SHA256
	}
	return out
}

// TestRunFixtures runs the real binary on the bundled fixtures and checks
// the export, read back from the Parquet files, against the hand-made
// oracle (fixtures/expected/acme_q1.csv) and each awkward case.
func TestRunFixtures(t *testing.T) {
	dir := workspace(t)
	r := mustPipeline(t, dir, "run", "--format", "json")
	var rep flow.Report
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("report: %v\n%s", err, r.stdout)
	}
	if rep.Status != "succeeded" || len(rep.Exports) != 1 || rep.Exports[0].Rows != 42 {
		t.Fatalf("report: status %s exports %+v", rep.Status, rep.Exports)
	}
	mem := openDB(t, "")
	glob := filepath.Join(dir, "exports", "acme_q1", "**", "*.parquet")
	got := queryStrings(t, mem, "SELECT subject_key FROM read_parquet($1, hive_partitioning = true) ORDER BY 1", glob)
	want := expectedKeys(t)
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("exported subject keys differ from fixtures/expected/acme_q1.csv:\n got %d %v\nwant %d %v", len(got), got, len(want), want)
	}
	// exactly the configured columns, nothing special-category
	cols := queryStrings(t, mem, "SELECT name FROM parquet_schema($1) WHERE name <> 'duckdb_schema' ORDER BY name",
		filepath.Join(dir, "exports", "acme_q1", "country=GB", "part-0.parquet"))
	if strings.Join(cols, ",") != "company_domain,company_name,email,first_name,job_title,last_name,subject_key" {
		t.Errorf("export columns = %v (country is the partition folder)", cols)
	}
	// derived email (A03), normalised email (A01), unicode name (A15)
	for email, first := range map[string]string{
		"tom.hughes@northwind-payroll.co.uk":   "Tom",
		"sarah.okafor@northwind-payroll.co.uk": "Sarah",
	} {
		n := queryStrings(t, mem, "SELECT first_name FROM read_parquet($1) WHERE email = $2", glob, email)
		if len(n) != 1 || n[0] != first {
			t.Errorf("%s: got %v, want one row for %s", email, n, first)
		}
	}
	if z := queryStrings(t, mem, "SELECT first_name FROM read_parquet($1) WHERE first_name = 'Zoë'", glob); len(z) != 1 {
		t.Errorf("unicode name Zoë: %v", z)
	}
	// manifest: rows and checksums verified independently with parquet-go
	m, err := manifest.Read(filepath.Join(dir, "exports", "acme_q1"))
	if err != nil {
		t.Fatal(err)
	}
	sums := exportChecksums(t, dir)
	content := exportContent(t, dir)
	if m.Rows != 42 || len(m.Files) != 2 || m.Metadata["recipient"] != "Acme Payroll Ltd" {
		t.Fatalf("manifest: %+v", m)
	}
	for _, f := range m.Files {
		if sums[f.Path] != f.SHA256 {
			t.Errorf("manifest checksum of %s does not match the file", f.Path)
		}
	}
	// warehouse: rejects, provenance, scope of phone suppression, lineage
	wh := openDB(t, filepath.Join(dir, "state", "warehouse.duckdb"))
	if rj := queryStrings(t, wh, "SELECT source || ':' || line FROM rejects"); len(rj) != 1 || !strings.HasPrefix(rj[0], "vendor_people:11") {
		t.Errorf("rejects = %v, want the malformed people.csv:11", rj)
	}
	if s := queryStrings(t, wh, "SELECT array_to_string(_sources, '+') FROM prospects WHERE email = 'aisling.murphy@liffeycloud.ie'"); len(s) != 1 || s[0] != "crm_people+vendor_people" {
		t.Errorf("A14 provenance = %v, want one row from both sources", s)
	}
	// A21: CTPS-listed phone removed in deliverable, kept in prospects
	a21 := queryStrings(t, wh, "SELECT subject_key FROM prospects WHERE phone = '+442079460311'")
	if len(a21) != 1 {
		t.Fatalf("A21 phone in prospects: %v", a21)
	}
	if ph := queryStrings(t, wh, "SELECT coalesce(phone, 'NULL') FROM deliverable WHERE subject_key = $1", a21[0]); len(ph) != 1 || ph[0] != "NULL" {
		t.Errorf("A21 phone in deliverable = %v, want removed", ph)
	}
	if n := queryStrings(t, wh, "SELECT count(*)::VARCHAR FROM lineage WHERE recipient = 'Acme Payroll Ltd'"); n[0] != "42" {
		t.Errorf("lineage rows = %v", n)
	}
	if cat := queryStrings(t, wh, `SELECT category FROM catalog WHERE dataset = 'vendor_people' AND "column" = 'notes'`); len(cat) != 1 || cat[0] != "special_category" {
		t.Errorf("notes category = %v", cat)
	}
	// the warehouse holds personal data: 0600
	if st, err := os.Stat(filepath.Join(dir, "state", "warehouse.duckdb")); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("warehouse mode = %v, %v", st.Mode().Perm(), err)
	}

	wh.Close()
	// Re-running the same inputs gives the same exports: the same files,
	// rows and metadata; only the run id and time the files carry differ.
	mustPipeline(t, dir, "run")
	if again := exportContent(t, dir); !equalMaps(again, content) {
		t.Errorf("second run changed the export files:\n%v\n%v", content, again)
	}
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestBadConfig: each config mistake exits 2 with file:line:col.
func TestBadConfig(t *testing.T) {
	cases := []struct {
		name, from, to, want string
	}{
		{"lia", "balancing_test: passed", "balancing_test: pending", `pipeline.yaml:71:73: campaign "acme-q1": LIA balancing_test is "pending"`},
		{"unknown key", "exports_dir: exports", "exports_dir: exports\nexport_dir: x", `unknown key "export_dir"`},
		{"missing column", "company_domain, country]", "company_domain, country, shoe_size]", `pipeline.yaml:76:108: export "acme_q1": column "shoe_size" is not in the prospects table`},
		{"special category", "company_domain, country]", "company_domain, country, notes]", `special-category`},
		{"subquery", "employees >= 50", "employees >= (SELECT 50)", `pipeline.yaml:60:55: targeting.companies: a subquery`},
		{"statement", "employees >= 50", "employees >= 50; DROP TABLE x", `pipeline.yaml:60:57: targeting.companies: does not parse`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := workspace(t)
			p := filepath.Join(dir, "pipeline.yaml")
			b, _ := os.ReadFile(p)
			if !strings.Contains(string(b), tc.from) {
				t.Fatalf("pipeline.yaml has no %q", tc.from)
			}
			if err := os.WriteFile(p, []byte(strings.Replace(string(b), tc.from, tc.to, 1)), 0o600); err != nil {
				t.Fatal(err)
			}
			for _, cmd := range []string{"validate", "run"} {
				r := pipeline(t, dir, cmd)
				if r.code != 2 || !strings.Contains(r.stderr, tc.want) || !strings.Contains(r.stderr, "pipeline.yaml:") {
					t.Errorf("%s: exit %d, stderr:\n%s\nwant exit 2 and %q", cmd, r.code, r.stderr, tc.want)
				}
			}
			if _, err := os.Stat(filepath.Join(dir, "exports")); err == nil {
				t.Errorf("a rejected config wrote exports")
			}
			if _, err := os.Stat(filepath.Join(dir, "state", "warehouse.duckdb")); err == nil {
				t.Errorf("a rejected config created the warehouse")
			}
		})
	}
}

// TestBadConfigExistingWarehouse: over an existing warehouse, validation
// runs inside the run (while the suppression lists are hashed); a
// rejected config still exits 2, records no run, and leaves the exports
// and raw files as they were.
func TestBadConfigExistingWarehouse(t *testing.T) {
	dir := workspace(t)
	mustPipeline(t, dir, "run")
	before := exportChecksums(t, dir)
	raw := func() []string {
		dirs, err := filepath.Glob(filepath.Join(dir, "state", "warehouse.duckdb.raw", "raw_*", "*"))
		if err != nil {
			t.Fatal(err)
		}
		return dirs
	}
	rawBefore := raw()
	p := filepath.Join(dir, "pipeline.yaml")
	b, _ := os.ReadFile(p)
	if err := os.WriteFile(p, []byte(strings.Replace(string(b), "company_domain, country]", "company_domain, country, shoe_size]", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	r := pipeline(t, dir, "run")
	if r.code != 2 || !strings.Contains(r.stderr, `column "shoe_size" is not in the prospects table`) {
		t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	if after := exportChecksums(t, dir); !equalMaps(before, after) {
		t.Errorf("a rejected config changed the export")
	}
	if got := raw(); strings.Join(got, ",") != strings.Join(rawBefore, ",") {
		t.Errorf("raw folders %v, want %v", got, rawBefore)
	}
	wh := openDB(t, filepath.Join(dir, "state", "warehouse.duckdb"))
	defer wh.Close()
	if st := queryStrings(t, wh, "SELECT status FROM runs"); len(st) != 1 || st[0] != "succeeded" {
		t.Errorf("runs = %v, want the one good run", st)
	}
}

// TestMalformedAboveLimit: too many malformed rows fail the run, the
// rejects are kept, and the previous export is untouched.
func TestMalformedAboveLimit(t *testing.T) {
	dir := workspace(t)
	mustPipeline(t, dir, "run")
	before := exportChecksums(t, dir)
	p := filepath.Join(dir, "pipeline.yaml")
	b, _ := os.ReadFile(p)
	os.WriteFile(p, []byte(strings.Replace(string(b), "max_reject_rate: 0.05", "max_reject_rate: 0.001", 1)), 0o600)
	r := pipeline(t, dir, "run")
	if r.code != 1 || !strings.Contains(r.stderr, `source "vendor_people": 1 of 250 lines (0.4%) rejected`) {
		t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	if after := exportChecksums(t, dir); !equalMaps(before, after) {
		t.Errorf("failed run changed the export")
	}
	wh := openDB(t, filepath.Join(dir, "state", "warehouse.duckdb"))
	st := queryStrings(t, wh, "SELECT status FROM runs ORDER BY started_at")
	if len(st) != 2 || st[1] != "failed" {
		t.Errorf("runs = %v", st)
	}
	if n := queryStrings(t, wh, "SELECT count(*)::VARCHAR FROM rejects r JOIN runs USING (run_id) WHERE runs.status = 'failed'"); n[0] != "1" {
		t.Errorf("rejects of the failed run = %v, want kept", n)
	}
}

// TestInterruptedRun: Ctrl-C during a run leaves the previous exports and
// warehouse exactly as they were, and no staging folder behind.
func TestInterruptedRun(t *testing.T) {
	dir := workspace(t)
	mustPipeline(t, dir, "run")
	before := exportChecksums(t, dir)
	for _, stage := range []string{"stage", "enrich", "export"} {
		run := startHeld(t, dir, stage)
		if err := run.cmd.Process.Signal(syscall.SIGINT); err != nil {
			t.Fatal(err)
		}
		if err := run.wait(t); err == nil {
			t.Fatalf("interrupted run exited 0:\n%s", run.stderr)
		}
		if after := exportChecksums(t, dir); !equalMaps(before, after) {
			t.Errorf("interrupted run (%s) changed the export", stage)
		}
		left, _ := filepath.Glob(filepath.Join(dir, "exports", ".acme_q1.*"))
		if len(left) != 0 {
			t.Errorf("staging left behind: %v", left)
		}
	}
	wh := openDB(t, filepath.Join(dir, "state", "warehouse.duckdb"))
	st := queryStrings(t, wh, "SELECT status FROM runs ORDER BY started_at")
	if strings.Join(st, ",") != "succeeded,interrupted,interrupted,interrupted" {
		t.Errorf("runs = %v", st)
	}
	if n := queryStrings(t, wh, "SELECT count(DISTINCT run_id)::VARCHAR FROM lineage"); n[0] != "1" {
		t.Errorf("lineage from interrupted runs: %v", n)
	}
}

// TestInterruptAnywhere: a run interrupted at any moment of its first
// half second (validation, plugin start-up, the suppression lists hashed
// in the background, the stage) exits, and leaves an audit log that
// verifies against its head anchor. An interrupted statement can keep
// DuckDB's instance of the warehouse from being released; the run once
// hung for ever reopening the file to anchor the audit head after it had
// let it go (now it anchors with its own handle, before).
func TestInterruptAnywhere(t *testing.T) {
	dir := workspace(t)
	mustPipeline(t, dir, "run")
	for d := 0 * time.Millisecond; d <= 600*time.Millisecond; d += 40 * time.Millisecond {
		run := startChild(t, dir, nil, "run")
		time.Sleep(d)
		if err := run.cmd.Process.Signal(syscall.SIGINT); err != nil && !run.exited() {
			t.Fatal(err)
		}
		_ = run.wait(t) // exits (1 when interrupted, 0 when it had finished), or fails the test after hangAfter
	}
	if r := pipeline(t, dir, "audit", "verify"); r.code != 0 {
		t.Fatalf("audit verify after the interrupted runs: exit %d\n%s", r.code, r.stderr)
	}
}

// TestLock: a second run on a warehouse in use exits with a clear message.
func TestLock(t *testing.T) {
	dir := workspace(t)
	lk, err := warehouse.TryLock(filepath.Join(dir, "state", "warehouse.duckdb"), "test holder")
	if err != nil {
		t.Fatal(err)
	}
	defer lk.Unlock()
	r := pipeline(t, dir, "run")
	if r.code != 1 || !strings.Contains(r.stderr, "test holder") || !strings.Contains(r.stderr, "holds") {
		t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
}

// TestCrashedRunLeavesNothingBehind: a run killed (SIGKILL) after it
// committed its staged raw files leaves the raw_*__next views and a
// second folder of raw files per source behind; the next command that
// takes the warehouse drops both, so no personal data sits outside the
// catalog's reach.
func TestCrashedRunLeavesNothingBehind(t *testing.T) {
	dir := workspace(t)
	mustPipeline(t, dir, "run")
	before := exportChecksums(t, dir)
	run := startHeld(t, dir, "enrich")
	if err := run.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = run.wait(t)
	next := func() []string {
		wh := openDB(t, filepath.Join(dir, "state", "warehouse.duckdb"))
		defer wh.Close()
		return queryStrings(t, wh, "SELECT view_name FROM duckdb_views() WHERE view_name LIKE '%\\_\\_next' ESCAPE '\\' ORDER BY 1")
	}
	runDirs := func() []string {
		dirs, err := filepath.Glob(filepath.Join(dir, "state", "warehouse.duckdb.raw", "raw_*", "*"))
		if err != nil {
			t.Fatal(err)
		}
		return dirs
	}
	if left := next(); len(left) != 3 {
		t.Fatalf("after the crash: staged views %v, want the three raw_*__next", left)
	}
	if d := runDirs(); len(d) != 6 {
		t.Fatalf("after the crash: raw folders %v, want two runs' of three sources", d)
	}
	if after := exportChecksums(t, dir); !equalMaps(before, after) {
		t.Errorf("crashed run changed the export")
	}
	mustPipeline(t, dir, "sar", "--email", "tom.hughes@northwind-payroll.co.uk")
	if left := next(); len(left) != 0 {
		t.Fatalf("after the next command: %v left", left)
	}
	if d := runDirs(); len(d) != 3 {
		t.Fatalf("after the next command: raw folders %v, want the committed run's of three sources", d)
	}
}
