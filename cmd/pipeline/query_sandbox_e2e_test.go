package main

import (
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestQuerySandbox (issue 19, item 1): every attack through `pipeline
// query` is refused with exit 2 and changes nothing; reads of the
// warehouse, its raw files and the exports still work; each query is in
// the audit log as its SHA-256, never its text.
func TestQuerySandbox(t *testing.T) {
	dir := workspace(t)
	mustPipeline(t, dir, "run")
	wh := filepath.Join(dir, "state", "warehouse.duckdb")
	raws, _ := filepath.Glob(filepath.Join(wh+".raw", "*", "*", "*.parquet"))
	if len(raws) == 0 {
		raws, _ = filepath.Glob(filepath.Join(wh+".raw", "*", "*", "*", "*.parquet"))
	}
	if len(raws) == 0 {
		t.Fatal("no raw parquet file found")
	}
	rawFile := raws[0]
	sums := func() map[string]string {
		out := map[string]string{}
		for _, p := range []string{rawFile} {
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			s := sha256.Sum256(b)
			out[p] = hex.EncodeToString(s[:])
		}
		return out
	}
	before := sums()
	attacks := []struct{ name, sql, want string }{
		{"copy leak", "COPY (SELECT email, notes FROM raw_vendor_people) TO 'leak.csv'", "starting with COPY"},
		{"copy into exports", "COPY (SELECT email FROM prospects) TO 'exports/leak.csv'", "starting with COPY"},
		{"copy onto raw file", "COPY (SELECT 1 AS x) TO '" + rawFile + "' (FORMAT parquet)", "refused"},
		{"copy onto warehouse", "COPY (SELECT 1 AS x) TO 'state/warehouse.duckdb'", "refused"},
		{"attach detach delete", "ATTACH ':memory:' AS s; USE s; DETACH warehouse; ATTACH 'state/warehouse.duckdb' AS w (READ_WRITE); " +
			"DELETE FROM w.suppression WHERE reason = 'erasure'; DELETE FROM w.audit_log", "starting with ATTACH"},
		{"select then delete", "SELECT 1; DELETE FROM audit_log", "single SELECT statement"},
		{"attach", "ATTACH 'state/other.duckdb' AS o", "starting with ATTACH"},
		{"detach", "DETACH warehouse", "starting with DETACH"},
		{"use", "USE memory", "refused"},
		{"install", "INSTALL httpfs", "starting with INSTALL"},
		{"load", "LOAD httpfs", "starting with LOAD"},
		{"set", "SET enable_external_access = true", "starting with SET"},
		{"reset lock", "RESET lock_configuration", "refused"},
		{"pragma", "PRAGMA enable_profiling", "starting with PRAGMA"},
		{"export database", "EXPORT DATABASE 'exports/dump'", "starting with EXPORT"},
		{"call", "CALL checkpoint()", "starting with CALL"},
		{"create", "CREATE TABLE x AS SELECT 1", "starting with CREATE"},
		{"insert", "INSERT INTO suppression SELECT * FROM suppression", "starting with INSERT"},
		{"delete audit", "DELETE FROM audit_log", "starting with DELETE"},
		{"read_csv passwd", "SELECT * FROM read_csv('/etc/passwd')", "Permission Error"},
		{"read fixture", "SELECT * FROM read_csv('fixtures/people.csv')", "Permission Error"},
		{"dot-dot", "SELECT * FROM read_csv('exports/../fixtures/people.csv')", "Permission Error"},
	}
	for _, a := range attacks {
		t.Run(a.name, func(t *testing.T) {
			r := pipeline(t, dir, "query", a.sql)
			if r.code != 2 || !strings.Contains(r.stderr, a.want) || !strings.Contains(r.stderr, "query refused") {
				t.Errorf("exit %d, stderr:\n%s\nwant exit 2 and %q", r.code, r.stderr, a.want)
			}
			if strings.Contains(r.stdout, "@") || strings.Contains(r.stdout, "root:") {
				t.Errorf("stdout leaked data:\n%s", r.stdout)
			}
		})
	}
	for _, p := range []string{"leak.csv", "exports/leak.csv", "exports/dump", "state/other.duckdb"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err == nil {
			t.Errorf("%s was written", p)
		}
	}
	// the warehouse changed only by the query audit entries: its tables are whole
	var tables int
	db0 := openDB(t, wh)
	if err := db0.QueryRow("SELECT count(*) FROM (SELECT table_name FROM duckdb_tables() UNION ALL SELECT view_name FROM duckdb_views()) WHERE table_name IN ('prospects', 'suppression', 'audit_log', 'runs')").Scan(&tables); err != nil || tables != 4 {
		t.Errorf("warehouse tables: %d %v", tables, err)
	}
	db0.Close()
	after := sums()
	for p, s := range before {
		if after[p] != s {
			t.Errorf("%s changed", p)
		}
	}
	// reads that must keep working: the warehouse, raw views, exports
	// relative to the working directory
	for _, q := range []string{
		"SELECT count(*) AS n FROM prospects",
		"SELECT count(*) AS n FROM raw_vendor_people",
		"SELECT count(*) AS n FROM read_parquet('exports/acme_q1/**/*.parquet')",
	} {
		r := mustPipeline(t, dir, "query", q)
		if !strings.HasPrefix(r.stdout, "n\n") || strings.TrimSpace(strings.TrimPrefix(r.stdout, "n\n")) == "0" {
			t.Errorf("%s: %q", q, r.stdout)
		}
	}
	// every query (refused ones too) is audited by hash and user, never by text
	secret := "SELECT 'canary-4711' AS c"
	mustPipeline(t, dir, "query", secret)
	sum := sha256.Sum256([]byte(secret))
	db := openDB(t, wh)
	var details string
	if err := db.QueryRow("SELECT details FROM audit_log WHERE action = 'query' ORDER BY seq DESC LIMIT 1").Scan(&details); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(details, hex.EncodeToString(sum[:])) || !strings.Contains(details, `"os_user"`) || strings.Contains(details, "canary") {
		t.Errorf("audit details %s: want the statement's sha256 and os_user, not its text", details)
	}
	var n int
	if err := db.QueryRow("SELECT count(*) FROM audit_log WHERE action = 'query'").Scan(&n); err != nil || n != len(attacks)+4 {
		t.Errorf("%d query entries (%v), want %d", n, err, len(attacks)+4)
	}
	db.Close()
	if r := mustPipeline(t, dir, "audit", "verify"); !strings.Contains(r.stdout, "audit log OK") {
		t.Errorf("audit verify: %s", r.stdout)
	}
}

// TestAuditTruncationDetected (issue 19, item 1): entries deleted from the
// end of the audit log, even all of them, are reported by `audit verify`
// (exit 1) through the head anchored in <warehouse>.audit-head and in the
// runs table.
func TestAuditTruncationDetected(t *testing.T) {
	dir := workspace(t)
	mustPipeline(t, dir, "run")
	mustPipeline(t, dir, "suppress", "add", "--email", "gone@example.com", "--reason", "complaint")
	mustPipeline(t, dir, "query", "SELECT 1")
	mustPipeline(t, dir, "run") // records the audit head in its runs row
	wh := filepath.Join(dir, "state", "warehouse.duckdb")
	if st, err := os.Stat(wh + ".audit-head"); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("sidecar: %v %v", st, err)
	}
	cut := func(q string) {
		db, err := sql.Open("duckdb", wh)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	cut("DELETE FROM audit_log")
	r := pipeline(t, dir, "audit", "verify")
	if r.code != 1 || !strings.Contains(r.stderr, "entries were deleted") {
		t.Fatalf("verify after DELETE FROM audit_log: exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
	}
	// the sidecar gone too: the runs table still holds a head
	if err := os.Remove(wh + ".audit-head"); err != nil {
		t.Fatal(err)
	}
	r = pipeline(t, dir, "audit", "verify")
	if r.code != 1 || !strings.Contains(r.stderr, "runs table") {
		t.Fatalf("verify without sidecar: exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
	}
}
