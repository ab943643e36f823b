package engine

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/example/pipeline/pipeline/normalize"
)

// TestFunctions runs every pl_* function in DuckDB over more than one
// chunk of values, NULLs in between, and checks each result against the
// normalize function it wraps, row by row.
func TestFunctions(t *testing.T) {
	ctx := context.Background()
	_, c := testConn(t, Settings{Threads: 2})
	samples := []string{
		" Jane.Doe@Example.COM ", "mailto:a@b.co.uk", "<x@y.org>", "bad@", "", "José@exämple.com", "a..b@c.com",
		"HTTPS://WWW.Acme.co.uk/about", "acme.com", "not a domain", "xn--bcher-kva.example",
		"+44 20 7946 0228", "020 7946 0228", "(087) 123 4567", "12", "info@acme.com", "jo@gmail.com",
	}
	countries := []any{"GB", nil, "IE", "", "US"}
	type row struct {
		v       any
		country any
	}
	var rows []row
	for i := 0; i < 5000; i++ { // 5000 rows: three chunks
		var v any = fmt.Sprintf("%s%d", samples[i%len(samples)], i%3)
		if i%3 == 0 {
			v = samples[i%len(samples)]
		}
		if i%11 == 0 {
			v = nil
		}
		rows = append(rows, row{v, countries[i%len(countries)]})
	}
	if _, err := c.ExecContext(ctx, "CREATE TEMP TABLE v (i INTEGER, v VARCHAR, cc VARCHAR)"); err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		if _, err := c.ExecContext(ctx, "INSERT INTO v VALUES ($1, $2, $3)", i, r.v, r.country); err != nil {
			t.Fatal(err)
		}
	}
	res, err := c.QueryContext(ctx, "SELECT i, pl_email(v), pl_domain(v), pl_phone(v, cc), pl_email_type(pl_email(v)) FROM v ORDER BY i")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Close()
	opt := func(s string, ok bool) sql.NullString { return sql.NullString{String: s, Valid: ok} }
	n := 0
	for res.Next() {
		var i int
		var email, domain, phone, typ sql.NullString
		if err := res.Scan(&i, &email, &domain, &phone, &typ); err != nil {
			t.Fatal(err)
		}
		n++
		r := rows[i]
		var wantEmail, wantDomain, wantPhone sql.NullString
		wantType := string(normalize.EmailInvalid)
		if s, ok := r.v.(string); ok {
			wantEmail = opt(normalize.Email(s))
			wantDomain = opt(normalize.Domain(s))
			cc, _ := r.country.(string)
			wantPhone = opt(normalize.PossiblePhone(s, cc))
			if wantEmail.Valid {
				wantType = string(normalize.ClassifyEmail(wantEmail.String, true))
			}
		}
		for _, chk := range []struct {
			fn        string
			got, want sql.NullString
		}{{"pl_email", email, wantEmail}, {"pl_domain", domain, wantDomain}, {"pl_phone", phone, wantPhone},
			{"pl_email_type", typ, sql.NullString{String: wantType, Valid: true}}} {
			if chk.got != chk.want {
				t.Fatalf("row %d: %s(%v, %v) = %+v, want %+v", i, chk.fn, r.v, r.country, chk.got, chk.want)
			}
		}
	}
	if err := res.Err(); err != nil {
		t.Fatal(err)
	}
	if n != len(rows) {
		t.Fatalf("%d rows back, want %d", n, len(rows))
	}
}

// TestStageEmail checks pl_stage_email against the set given to
// SetErasedEmails: any written form of an erased email gives 'erased' and
// counts once per row (also inside a query that filters on it and uses it
// again, as the stage does), anything else its bucket or NULL, and a new
// set replaces the old.
func TestStageEmail(t *testing.T) {
	ctx := context.Background()
	db, c := testConn(t, Settings{Threads: 2})
	hashOf := func(email string) string {
		var h string
		if err := c.QueryRowContext(ctx, "SELECT sha256(pl_email($1))", email).Scan(&h); err != nil {
			t.Fatal(err)
		}
		return h
	}
	gone, other := hashOf("jane.doe@example.com"), hashOf("john@example.com")
	stage := func(raw any) sql.NullString {
		var s sql.NullString
		if err := c.QueryRowContext(ctx, "SELECT pl_stage_email($1, '16')", raw).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	bucket := func(e string) string { return fmt.Sprint(EmailBucket(e, 16)) }
	if got := stage("jane.doe@example.com"); got.String != bucket("jane.doe@example.com") {
		t.Fatalf("before any tombstone: %+v", got)
	}
	if err := db.SetErasedEmails([]string{gone}); err != nil {
		t.Fatal(err)
	}
	before := db.Refused()
	for raw, want := range map[any]string{
		"jane.doe@example.com": Erased, " Jane.Doe@EXAMPLE.com ": Erased, "<mailto:jane.doe@example.com>": Erased,
		"john@example.com": bucket("john@example.com"), "jane.doe@example.org": bucket("jane.doe@example.org"), "not an email": "", nil: "",
	} {
		if got := stage(raw); got.String != want || got.Valid != (want != "") {
			t.Errorf("pl_stage_email(%v) = %+v, want %q", raw, got, want)
		}
	}
	if n := db.Refused() - before; n != 3 {
		t.Errorf("%d rows counted as refused, want 3", n)
	}
	// the stage's shape: 30000 rows, every third erased, filtered on the
	// result and the result used again
	before = db.Refused()
	var kept, buckets int64
	if err := c.QueryRowContext(ctx, `SELECT count(*), count(DISTINCT b) FROM (
		SELECT * EXCLUDE (s), CAST(s AS INTEGER) AS b FROM (
			SELECT i, pl_stage_email(CASE WHEN i % 3 = 0 THEN ' JANE.doe@example.com' ELSE 'p' || i || '@example.com' END, '16') AS s
			FROM range(30000) t(i))
		WHERE s IS DISTINCT FROM 'erased')`).Scan(&kept, &buckets); err != nil {
		t.Fatal(err)
	}
	if n := db.Refused() - before; n != 10000 || kept != 20000 || buckets != 16 {
		t.Errorf("refused %d, kept %d in %d buckets; want 10000, 20000 in 16", n, kept, buckets)
	}
	if err := db.SetErasedEmails([]string{other}); err != nil {
		t.Fatal(err)
	}
	if got := stage("jane.doe@example.com"); got.String == Erased {
		t.Errorf("after the set was replaced: %+v", got)
	}
	if got := stage("JOHN@example.com"); got.String != Erased {
		t.Errorf("replaced set: %+v", got)
	}
	if err := db.SetErasedEmails([]string{"xyz"}); err == nil {
		t.Error("a tombstone that is not a hex SHA-256 was accepted")
	}
}

// TestFunctionsInParallel runs the pl_* functions over several row groups
// with two threads, so that DuckDB calls each from two threads at once:
// `go test -race` (make test runs this package with it) sees any state
// they or duckdb-go's chunk path share. pl_domain of an email is its domain.
func TestFunctionsInParallel(t *testing.T) {
	ctx := context.Background()
	db, c := testConn(t, Settings{Threads: 2})
	if _, err := c.ExecContext(ctx, `CREATE TEMP TABLE v AS SELECT 'Person.' || i || '@Example.com' AS e, '020 7946 ' || lpad(CAST(i % 10000 AS VARCHAR), 4, '0') AS p FROM range(400000) t(i)`); err != nil {
		t.Fatal(err)
	}
	if err := db.SetErasedEmails([]string{"0000000000000000000000000000000000000000000000000000000000000000"}); err != nil {
		t.Fatal(err)
	}
	var emails, domains, staged int64
	if err := c.QueryRowContext(ctx, `SELECT count(pl_email(e)), count(pl_domain(e)), count(pl_stage_email(e, '16')) FROM v`).Scan(&emails, &domains, &staged); err != nil {
		t.Fatal(err)
	}
	if emails != 400000 || domains != 400000 || staged != 400000 || db.Refused() != 0 {
		t.Errorf("pl_email %d, pl_domain %d, pl_stage_email %d non-NULL of 400000, %d refused", emails, domains, staged, db.Refused())
	}
	// pl_phone computes each chunk on several goroutines (udf.costly):
	// every row gets its own number back, on both of DuckDB's threads
	var phones, wrong int64
	if err := c.QueryRowContext(ctx, `SELECT count(n), count(*) FILTER (WHERE n IS DISTINCT FROM '+44207946' || lpad(CAST(i % 10000 AS VARCHAR), 4, '0'))
		FROM (SELECT i, pl_phone('020 7946 ' || lpad(CAST(i % 10000 AS VARCHAR), 4, '0'), 'GB') AS n FROM range(300000, 310000) t(i))`).Scan(&phones, &wrong); err != nil {
		t.Fatal(err)
	}
	if phones != 10000 || wrong != 0 {
		t.Errorf("pl_phone: %d non-NULL of 10000, %d not the row's own number", phones, wrong)
	}
}

// testConn opens a database with s and one connection, both closed when
// the test ends.
func testConn(t *testing.T, s Settings) (*DB, *sql.Conn) {
	t.Helper()
	db, err := Open(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	c, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return db, c
}

// TestEmailBucket checks that every written form of one email lands in the
// same bucket, that invalid emails have none, and that the buckets of many
// emails spread over all n.
func TestEmailBucket(t *testing.T) {
	ctx := context.Background()
	_, c := testConn(t, Settings{})
	bucket := func(raw any, n string) sql.NullString {
		var s sql.NullString
		if err := c.QueryRowContext(ctx, "SELECT pl_stage_email($1, $2)", raw, n).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	want := fmt.Sprint(EmailBucket("jane.doe@example.com", 16))
	for _, raw := range []string{"jane.doe@example.com", " Jane.Doe@EXAMPLE.com ", "<mailto:jane.doe@example.com>"} {
		if got := bucket(raw, "16"); !got.Valid || got.String != want {
			t.Errorf("pl_stage_email(%q, 16) = %+v, want %s", raw, got, want)
		}
	}
	for _, raw := range []any{nil, "", "not an email", "bad@"} {
		if got := bucket(raw, "16"); got.Valid {
			t.Errorf("pl_stage_email(%v) = %q, want NULL", raw, got.String)
		}
	}
	var distinct, lo, hi int
	if err := c.QueryRowContext(ctx, `SELECT count(DISTINCT b), min(b::INTEGER), max(b::INTEGER)
		FROM (SELECT pl_stage_email('user' || i || '@example.com', '16') AS b FROM range(5000) t(i))`).Scan(&distinct, &lo, &hi); err != nil {
		t.Fatal(err)
	}
	if distinct != 16 || lo != 0 || hi != 15 {
		t.Errorf("5000 emails in %d buckets (%d..%d), want all 16 (0..15)", distinct, lo, hi)
	}
}

// TestFunctionsOnSharedInstance opens one database file twice in one
// process, which duckdb-go makes one DuckDB instance: the second DB finds
// the pl_* functions in the catalog (functionsRegistered) instead of
// registering them again, and both see them.
func TestFunctionsOnSharedInstance(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "w.duckdb")
	_, c1 := testConn(t, Settings{Path: path, Threads: 1})
	if ok, err := functionsRegistered(ctx, c1); err != nil || !ok {
		t.Fatalf("after Conn: registered %v, %v; want true", ok, err)
	}
	_, c2 := testConn(t, Settings{Path: path, Threads: 1})
	for i, c := range []*sql.Conn{c1, c2} {
		var got sql.NullString
		if err := c.QueryRowContext(ctx, "SELECT pl_email(' A@Example.COM ')").Scan(&got); err != nil || got.String != "a@example.com" {
			t.Fatalf("conn %d: pl_email = %v, %v", i+1, got, err)
		}
	}
	fresh, err := Open(ctx, Settings{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	raw, err := fresh.DB.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if ok, err := functionsRegistered(ctx, raw); err != nil || ok {
		t.Fatalf("fresh database: registered %v, %v; want false", ok, err)
	}
}
