package classify

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"
)

// openDB opens a fresh DuckDB file in t.TempDir(), offline settings on.
func openDB(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("duckdb", filepath.Join(t.TempDir(), "w.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	for _, q := range []string{
		"SET autoinstall_known_extensions = false",
		"SET autoload_known_extensions = false",
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

var refDate = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

func TestTable(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	if _, err := db.Exec(`CREATE TABLE "raw people" AS SELECT * FROM (VALUES
		('Ann',   'ann.lee@acme.co.uk',  '+44 20 7946 0018', 'https://www.linkedin.com/in/annlee', DATE '1980-03-04', 'Met at expo',            'x1', true,  'GB82WEST12345698765432', '10.0.0.1', 'finance', 'c_level'),
		('Bob',   'bob@example.com',     '020 7946 0019',    'linkedin.com/in/bob-smith',         DATE '1975-11-20', 'Mentioned his diabetes', 'x2', false, 'DE89370400440532013000', '10.0.0.2', 'sales',   'director'),
		('Cara',  'cara@globex.com',     '+1 415 555 0132',  'https://twitter.com/cara',          DATE '1990-01-01', 'Keen on payroll',        'x3', true,  'GB33BUKB20201555555555', '192.168.1.9', 'it',  'head'),
		('Dev',   'dev@initech.io',      '07700 900123',     'https://github.com/dev',            DATE '1969-07-21', 'Trade union rep',        'x4', true,  'FR1420041010050500013M02606', '::1', 'hr',       'manager'),
		('Eve',   'eve@umbrella.com',    '+353 1 234 5678',  'https://www.linkedin.com/in/eve',   DATE '1988-02-29', 'Asked about pricing',    'x5', false, 'NL91ABNA0417164300', 'fe80::1', 'legal',    'staff'),
		('Fay',   'fay@hooli.com',       '+49 30 1234567',   'https://www.linkedin.com/in/fay',   DATE '2001-12-12', 'Has epilepsy',           'x6', true,  'GB29NWBK60161331926819', '8.8.8.8', 'finance',  'vp')
	) v(first_name, "e_mail", "Tel", col_a, dob, notes, "weird ""id""", email_verified, col_b, col_c, department, seniority)`); err != nil {
		t.Fatal(err)
	}
	got, err := Table(ctx, db, "vendor_people", "raw people", Options{Now: refDate, Pins: map[string]string{"vendor_people.first_name": "identity.name"}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct{ category, method string }{
		"first_name":     {IdentityName, MethodPinned},
		"e_mail":         {ContactEmail, MethodValues},
		"Tel":            {ContactPhone, MethodValues},
		"col_a":          {OnlineProfileURL, MethodValues},
		"dob":            {IdentityDemographic, MethodValues},
		"notes":          {SpecialCategory, MethodValues},
		`weird "id"`:     {Operational, MethodName},
		"email_verified": {Operational, MethodName},
		"col_b":          {FinancialAccount, MethodValues},
		"col_c":          {OnlineIdentifier, MethodValues},
		"department":     {Operational, MethodName},
		"seniority":      {Operational, MethodName},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d results, want %d", len(got), len(want))
	}
	raw := []string{"ann.lee", "diabetes", "epilepsy", "GB82", "linkedin.com/in", "10.0.0.1", "Ann"}
	for _, r := range got {
		w, ok := want[r.Column]
		if !ok {
			t.Errorf("unexpected column %q", r.Column)
			continue
		}
		if r.Category != w.category || r.Method != w.method {
			t.Errorf("%s: got %s by %s, want %s by %s (%s)", r.Column, r.Category, r.Method, w.category, w.method, r.Evidence)
		}
		if r.Personal != IsPersonal(r.Category) || r.Dataset != "vendor_people" {
			t.Errorf("%s: inconsistent result %+v", r.Column, r)
		}
		for _, v := range raw {
			if strings.Contains(r.Evidence, v) {
				t.Errorf("%s: evidence leaks a raw value %q: %s", r.Column, v, r.Evidence)
			}
		}
		t.Logf("%-15s %-22s %-6s %.2f %s", r.Column, r.Category, r.Method, r.Confidence, r.Evidence)
	}
}

func TestTableOneValueIsNotEnough(t *testing.T) {
	db := openDB(t)
	if _, err := db.Exec(`CREATE TABLE t AS SELECT CASE WHEN i = 7 THEN 'someone@example.com' ELSE 'note ' || i END AS remark FROM range(50) r(i)`); err != nil {
		t.Fatal(err)
	}
	got, err := Table(context.Background(), db, "d", "t", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got[0].Category != Unknown || got[0].LooksPersonal {
		t.Errorf("one email in 50 values: got %+v", got[0])
	}
}

func TestTableMissing(t *testing.T) {
	db := openDB(t)
	if _, err := Table(context.Background(), db, "d", "nope", Options{}); err == nil {
		t.Error("want an error for a missing table")
	}
}

func TestTableLooksPersonal(t *testing.T) {
	db := openDB(t)
	if _, err := db.Exec(`CREATE TABLE t AS SELECT CASE WHEN i % 3 = 0 THEN 'person' || i || '@example.com' ELSE 'note ' || i END AS remark FROM range(60) r(i)`); err != nil {
		t.Fatal(err)
	}
	got, err := Table(context.Background(), db, "d", "t", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r := got[0]; r.Category != Unknown || !r.LooksPersonal || strings.Contains(r.Evidence, "@") {
		t.Errorf("a third of the values are emails: got %+v", r)
	}
	// A lower threshold makes the same column an email column.
	got, err = Table(context.Background(), db, "d", "t", Options{Threshold: 0.3})
	if err != nil {
		t.Fatal(err)
	}
	if r := got[0]; r.Category != ContactEmail || r.Method != MethodValues {
		t.Errorf("threshold 0.3: got %+v", r)
	}
}

// A table past four times PreSampleRows is sampled through a system
// pre-sample (a Parquet scan: one vector in every stride of rows): the plan
// says so, the sample still has SampleSize rows, and the values still
// decide the columns, in the same way on every call.
func TestLargeTableSystemPreSample(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	n := 4*PreSampleRows + 10000
	if _, err := db.Exec(`CREATE TABLE big AS SELECT 'p' || i || '@example' || (i % 50) || '.com' AS col_a,
		'+44 20 7946 ' || lpad(CAST(i % 10000 AS VARCHAR), 4, '0') AS col_b, i AS n FROM range(?) r(i)`, n); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "big.parquet")
	if _, err := db.Exec(`COPY big TO '` + file + `' (FORMAT parquet, ROW_GROUP_SIZE 50000)`); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name    string
		rows    int64
		opts    Options
		wantKey string
	}{
		{"big table", int64(n), Options{SampleSize: DefaultSampleSize}, "SystemPercent"},
		{"big parquet", int64(n), Options{SampleSize: DefaultSampleSize, RawDir: dir}, "Stride"},
		{"small", 1000, Options{SampleSize: DefaultSampleSize}, ""},
		{"small parquet", 1000, Options{SampleSize: DefaultSampleSize, RawDir: dir}, ""},
	} {
		plan := samplePlan(relation{Table: "x"}, tt.rows, tt.opts)
		for _, k := range []string{"SystemPercent", "Stride"} {
			if set := plan[k] != 0.0 && plan[k] != int64(0); set != (k == tt.wantKey) {
				t.Errorf("%s (%d rows): plan %v", tt.name, tt.rows, plan)
			}
		}
	}
	for _, opts := range []Options{{Now: refDate}, {Now: refDate, RawDir: dir}} {
		var first []Result
		for i := range 2 {
			got, err := Table(ctx, db, "big", "big", opts)
			if err != nil {
				t.Fatal(err)
			}
			byCol := map[string]Result{}
			for _, r := range got {
				byCol[r.Column] = r
			}
			if byCol["col_a"].Category != ContactEmail || byCol["col_b"].Category != ContactPhone {
				t.Fatalf("%+v: categories: col_a %s, col_b %s", opts, byCol["col_a"].Category, byCol["col_b"].Category)
			}
			if !strings.Contains(byCol["col_a"].Evidence, "1000") {
				t.Errorf("%+v: evidence %q does not show a 1000-row sample", opts, byCol["col_a"].Evidence)
			}
			if i == 0 {
				first = got
			} else {
				for j := range got {
					if got[j] != first[j] {
						t.Errorf("%+v: second call differs: %+v vs %+v", opts, got[j], first[j])
					}
				}
			}
		}
	}
}

// TestTableEmpty: an empty table's columns are classified by name (and
// pins), exactly as detection over no rows would leave them; the empty
// table skips the detection query.
func TestTableEmpty(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	if _, err := db.Exec(`CREATE TABLE rejects (email VARCHAR, raw_line VARCHAR, col_x VARCHAR, error VARCHAR)`); err != nil {
		t.Fatal(err)
	}
	opts := Options{Now: refDate, Pins: map[string]string{"rejects.raw_line": "special_category"}}
	got, err := Table(ctx, db, "rejects", "rejects", opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 {
		t.Fatalf("got %d columns, want 4: %+v", len(got), got)
	}
	// detection over a source with no rows: what the query path gives
	if _, err := db.Exec(`CREATE VIEW no_vals AS SELECT col, v FROM (SELECT 'email' AS col, 'x' AS v) WHERE false`); err != nil {
		t.Fatal(err)
	}
	st, err := detect(ctx, db, detectSource{Table: "no_vals"}, refDate)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range got {
		if want := decide("rejects", r.Column, st[r.Column], opts.withDefaults()); r != want {
			t.Errorf("%s: got %+v, want %+v", r.Column, r, want)
		}
	}
	if got[0].Category != ContactEmail || got[0].Method != MethodName {
		t.Errorf("email: got %+v, want %s by name", got[0], ContactEmail)
	}
	if got[1].Method != MethodPinned {
		t.Errorf("raw_line: got %+v, want pinned", got[1])
	}
}
