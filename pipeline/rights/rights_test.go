package rights

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/engine"
	"github.com/example/pipeline/pipeline/engine/enginetest"
	"github.com/example/pipeline/pipeline/warehouse"
)

func TestProfileKey(t *testing.T) {
	for _, tt := range []struct{ give, want string }{
		{"https://www.linkedin.com/in/jo-bloggs/", "linkedin.com/in/jo-bloggs"},
		{" HTTP://LinkedIn.com/in/Jo ", "linkedin.com/in/jo"},
		{"linkedin.com/in/jo//", "linkedin.com/in/jo"},
		{"", ""},
	} {
		if got := ProfileKey(tt.give); got != tt.want {
			t.Errorf("ProfileKey(%q) = %q, want %q", tt.give, got, tt.want)
		}
	}
}

func TestLikePattern(t *testing.T) {
	if got := likePattern(`a_b%c\d@x.com`); got != `%a\_b\%c\\d@x.com%` {
		t.Errorf("likePattern = %q", got)
	}
}

func TestNewSubject(t *testing.T) {
	s, err := NewSubject("  Jo.Bloggs@Example.COM ", "020 7946 0123", "https://www.linkedin.com/in/jo/", "")
	if err != nil {
		t.Fatal(err)
	}
	if s.Email != "jo.bloggs@example.com" || len(s.Key) != 64 || len(s.Phones) != 1 || s.Phones[0] != "+442079460123" || s.Profiles[0] != "linkedin.com/in/jo" {
		t.Errorf("subject %+v", s)
	}
	if _, err := NewSubject("nope", "", "", ""); err != ErrBadEmail {
		t.Errorf("bad email: %v", err)
	}
}

func TestPredicateRender(t *testing.T) {
	m := matchCols{Table: "raw_x", From: engine.Scan{Table: "raw_x"}, Email: []string{"email"}, Phone: []string{"phone"}, Country: "country"}
	f := &Findings{Subject: Subject{Email: "a@b.co", Key: "k"}}
	q, err := render("sar_match", f.predicateData(m))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(q, "list_contains") || !strings.Contains(q, `pl_email(CAST("email" AS VARCHAR)) = $email`) {
		t.Errorf("without phones:\n%s", q)
	}
	f.Subject.Phones = []string{"+441"}
	q, _ = render("erase_delete", f.predicateData(m))
	if !strings.Contains(q, `DELETE FROM "raw_x"`) || !strings.Contains(q, `coalesce(CAST("country" AS VARCHAR), $cc)`) || !strings.Contains(q, "AND NOT") {
		t.Errorf("with phones:\n%s", q)
	}
}

// TestFindAndPurge builds a tiny warehouse by hand: the catalog drives the
// search, a phone on the subject's row finds an email-less row (identity
// graph) but not a colleague sharing the number, and purge honours
// retention.
func TestFindAndPurge(t *testing.T) {
	ctx := context.Background()
	cfg, c := peopleWarehouse(t)
	cfg.Sources["people"].Retention = config.Retention{N: 12, Unit: "month"}
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for _, q := range []string{
		`CREATE TABLE raw_people (email VARCHAR, phone VARCHAR, country VARCHAR, _loaded_at TIMESTAMP)`,
		`INSERT INTO raw_people VALUES (' Jo@Example.com', '020 7946 0123', 'GB', TIMESTAMP '2026-10-01'),
			(NULL, '+44 20 7946 0123', 'GB', TIMESTAMP '2026-10-01'),
			('colleague@example.com', '02079460123', 'GB', TIMESTAMP '2026-10-01'),
			('old@example.com', NULL, 'GB', TIMESTAMP '2024-01-01')`,
		`INSERT INTO catalog VALUES ('people','raw_people','email','contact.email',true,1,'name','',NULL,NULL),
			('people','raw_people','phone','contact.phone',true,1,'name','',NULL,NULL),
			('people','raw_people','country','company.country',false,1,'name','',NULL,NULL)`,
	} {
		if _, err := c.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	s, _ := NewSubject("jo@example.com", "", "", "")
	f, err := Find(ctx, c, cfg, s, FindOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// the subject's row carries no name: its phone is not followed to the
	// email-less row (it could be anyone's), and the findings say so
	if len(f.Tables) != 1 || len(f.Tables[0].Rows) != 1 {
		t.Fatalf("found %+v", f.Tables)
	}
	if f.Rows() != 1 || len(f.Subject.Phones) != 1 || len(f.NotFollowed) != 1 || f.NotFollowed[0].Kind != "phone" {
		t.Errorf("rows %d phones %v not followed %+v", f.Rows(), f.Subject.Phones, f.NotFollowed)
	}
	// the suppression store: the subject's email and phone entries, not
	// another phone's, not a domain's
	for _, e := range [][2]string{{"email", s.Key}, {"phone", hashOf(f.Subject.Phones[0])}, {"phone", hashOf("+441214960000")}, {"domain", s.Key}} {
		if _, err := c.ExecContext(ctx, `INSERT INTO suppression (kind, hash, reason, source, added_at, added_by) VALUES ($1, $2, 'objection', 'manual', now(), 'test')`, e[0], e[1]); err != nil {
			t.Fatal(err)
		}
	}
	if f, err = Find(ctx, c, cfg, s, FindOptions{}); err != nil {
		t.Fatal(err)
	}
	if len(f.Suppression) != 2 || f.Suppression[0]["kind"] == f.Suppression[1]["kind"] {
		t.Errorf("suppression entries found: %v, want the subject's email and phone", f.Suppression)
	}
	// a rejected line past the limit (and the row of raw_people, a table
	// in the file): purging it leaves it in the file's free blocks, so the
	// next erasure must scrub the file
	if _, err := c.ExecContext(ctx, `INSERT INTO rejects (run_id, source, raw_line, rejected_at) VALUES ('r0', 'people', 'old line', TIMESTAMP '2020-01-01')`); err != nil {
		t.Fatal(err)
	}
	if why, err := warehouse.ScrubPending(ctx, c); err != nil || len(why) != 0 {
		t.Fatalf("scrub_pending before the purge: %v %v", why, err)
	}
	plan, err := PurgePlan(ctx, c, cfg, now)
	if err != nil || len(plan) != 2 || plan[0].Rows != 1 || plan[1].Source != OtherRejects {
		t.Fatalf("purge plan %+v %v", plan, err)
	}
	done, err := Purge(ctx, c, cfg, now)
	if err != nil || done[0].Rows != 1 {
		t.Fatalf("purge %+v %v", done, err)
	}
	var n int
	if err := c.QueryRowContext(ctx, "SELECT count(*) FROM raw_people").Scan(&n); err != nil || n != 3 {
		t.Errorf("rows left %d %v", n, err)
	}
	if why, err := warehouse.ScrubPending(ctx, c); err != nil || !slices.Equal(why, []string{warehouse.ScrubPurged, warehouse.ScrubRejectsDeleted}) {
		t.Errorf("scrub_pending after the purge: %v %v", why, err)
	}
}

// TestIdentityHopNeedsTheName: a row reached only through the subject's
// phone belongs to them only under their name; an email-less colleague on
// the same switchboard number (and a nameless row) is neither disclosed by
// a SAR nor deleted by an erasure.
func TestIdentityHopNeedsTheName(t *testing.T) {
	ctx := context.Background()
	cfg, c := hopPeople(t, `('Jo', 'Bloggs', 'jo@example.com', '020 7946 0123'),
		('BLOGGS,', ' jo', NULL, '+44 20 7946 0123'),
		('Sam', 'Other', NULL, '02079460123'),
		(NULL, NULL, NULL, '020 7946 0123')`)
	s, _ := NewSubject("jo@example.com", "", "", "")
	f, err := Find(ctx, c, cfg, s, FindOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Tables) != 1 {
		t.Fatalf("tables %+v", f.Tables)
	}
	var names []string
	for _, r := range f.Tables[0].Rows {
		names = append(names, nameKeys(t, c, fmt.Sprint(r["first_name"], " ", r["last_name"]))...)
	}
	if strings.Join(names, ",") != "bloggs jo,bloggs jo" {
		t.Fatalf("rows found: %v (want the subject's two rows, not the colleague's or the nameless one)", names)
	}
	if strings.Join(f.Names, ",") != "bloggs jo" {
		t.Errorf("names = %v", f.Names)
	}
}

// peopleWarehouse is a config with one people source and its warehouse,
// opened by testWarehouse.
func peopleWarehouse(t *testing.T) (*config.Config, *sql.Conn) {
	t.Helper()
	cfg := peopleConfig(t.TempDir())
	return cfg, testWarehouse(t, cfg.Warehouse)
}

// peopleConfig is a config with one people source, its warehouse in dir.
func peopleConfig(dir string) *config.Config {
	return &config.Config{Dir: dir, Warehouse: dir + "/w.duckdb", SourceOrder: []string{"people"},
		Sources: map[string]*config.Source{"people": {Name: "people", Role: "people"}},
		Exports: map[string]*config.Export{}, Campaigns: map[string]*config.Campaign{}}
}

// testWarehouse opens a warehouse with the pipeline's tables in a temp
// folder and returns a connection with the pl_* functions.
func testWarehouse(t *testing.T, path string) *sql.Conn {
	t.Helper()
	_, c := testWarehouseDB(t, path)
	return c
}

// countRows runs a count query.
func countRows(t *testing.T, c *sql.Conn, q string) int {
	t.Helper()
	var n int
	if err := c.QueryRowContext(context.Background(), q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// testWarehouseDB is testWarehouse with the database too.
func testWarehouseDB(t *testing.T, path string) (*engine.DB, *sql.Conn) {
	t.Helper()
	ctx := context.Background()
	db, err := engine.Open(ctx, engine.Settings{Path: path, Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := warehouse.EnsureSchema(ctx, db); err != nil {
		t.Fatal(err)
	}
	c, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return db, c
}

// TestReadNameKeys: the subject's name keys are the hop's own (sql/
// name_keys.sql): word order, commas, white space of any kind and letter
// case do not matter; a text without a word gives none.
func TestReadNameKeys(t *testing.T) {
	c := enginetest.Conn(t)
	for _, tt := range []struct{ give, want string }{
		{"Stuart Taylor", "stuart taylor"}, {"Taylor, Stuart", "stuart taylor"}, {"  ZOË   hartley ", "hartley zoë"}, {"", ""},
		{" , ", ""}, {"Jo\fe\r\nBloggs", "bloggs e jo"}, {"Jo\vBloggs", "jo\vbloggs"},
	} {
		if got := strings.Join(nameKeys(t, c, tt.give), "|"); got != tt.want {
			t.Errorf("name key of %q = %q, want %q", tt.give, got, tt.want)
		}
	}
}

// TestIdentityHopNamesAsDuckDBReadsThem: the hop compares the subject's
// names with a row's as DuckDB lower-cases and splits them, also where Go
// would not (a capital dotted İ, which Go lower-cases to i and a
// combining dot; a form feed between words): the subject's email-less row
// under the same name and number is found. (With the names keyed in Go
// it was missed: a SAR that does not disclose, an erasure that does not
// delete.)
func TestIdentityHopNamesAsDuckDBReadsThem(t *testing.T) {
	ctx := context.Background()
	cfg, c := hopPeople(t, `('İvan', 'Petrov', 'ivan@example.com', '020 7946 0123'),
		('İvan', 'Petrov', NULL, '+44 20 7946 0123'),
		('Anna' || chr(12) || 'Maria', 'Lind', 'anna@example.com', '020 7946 0456'),
		('anna maria', 'lind', NULL, '02079460456')`)
	for _, email := range []string{"ivan@example.com", "anna@example.com"} {
		s, _ := NewSubject(email, "", "", "")
		f, err := Find(ctx, c, cfg, s, FindOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(f.Tables) != 1 || len(f.Tables[0].Rows) != 2 {
			t.Errorf("%s: found %+v, want the subject's two rows (names %q)", email, f.Tables, f.Names)
		}
	}
}

// TestDeleteByRowIDs: an erasure deletes exactly the rows its search read,
// by their rowids; a stale rowid (the table changed since the search) never
// deletes a stranger's row and falls back to the predicate, which still
// deletes every row of the subject.
func TestDeleteByRowIDs(t *testing.T) {
	ctx := context.Background()
	cfg, c := peopleWarehouse(t)
	for _, q := range []string{
		`CREATE TABLE raw_people (email VARCHAR, note VARCHAR)`,
		`INSERT INTO raw_people SELECT 'other' || i || '@example.com', 'x' FROM range(5000) t(i)`,
		`INSERT INTO raw_people VALUES (' Jo@Example.com', 'a'), ('jo@example.com', 'b')`,
		`INSERT INTO catalog VALUES ('people','raw_people','email','contact.email',true,1,'name','',NULL,NULL)`,
	} {
		if _, err := c.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	s, _ := NewSubject("jo@example.com", "", "", "")
	count := func(q string) int { return countRows(t, c, q) }
	for _, stale := range []bool{false, true} {
		f, err := Find(ctx, c, cfg, s, FindOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(f.Tables) != 1 || len(f.Tables[0].rowIDs) != 2 || len(f.Tables[0].Rows) != 2 {
			t.Fatalf("found %+v", f.Tables)
		}
		if _, ok := f.Tables[0].Rows[0][rowIDColumn]; ok || slices.Contains(f.Tables[0].Columns, rowIDColumn) {
			t.Fatalf("the rowid column reached the SAR: %v", f.Tables[0].Columns)
		}
		if stale { // the first found row's id now names a stranger's row
			f.Tables[0].rowIDs[0] = 17
		}
		n, err := deleteTableRows(ctx, c, f, f.Tables[0])
		if err != nil || n != 2 {
			t.Fatalf("stale %v: deleted %d rows, err %v", stale, n, err)
		}
		if left := count(`SELECT count(*) FROM raw_people WHERE note <> 'x'`); left != 0 {
			t.Errorf("stale %v: %d of the subject's rows left", stale, left)
		}
		if others := count(`SELECT count(*) FROM raw_people WHERE note = 'x'`); others != 5000 {
			t.Errorf("stale %v: %d other rows left, want 5000", stale, others)
		}
		// the subject again, for the stale case
		if _, err := c.ExecContext(ctx, `INSERT INTO raw_people VALUES ('JO@example.com ', 'c'), ('<jo@example.com>', 'd')`); err != nil {
			t.Fatal(err)
		}
	}
}

// TestPurgeOfAFileTableMarksScrub: a purge that deletes rows of a raw
// table kept in the warehouse file (an earlier version's, until its next
// run) leaves their values in the file's free blocks: the subject's later
// erasure finds nothing of them, so only scrub_pending makes it rewrite.
func TestPurgeOfAFileTableMarksScrub(t *testing.T) {
	ctx := context.Background()
	cfg, c := peopleWarehouse(t)
	cfg.Sources["people"].Retention = config.Retention{N: 12, Unit: "month"}
	for _, q := range []string{
		`CREATE TABLE raw_people (email VARCHAR, _loaded_at TIMESTAMP)`,
		`INSERT INTO raw_people VALUES ('old@example.com', TIMESTAMP '2024-01-01'), ('new@example.com', TIMESTAMP '2026-10-01')`,
	} {
		if _, err := c.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	done, err := Purge(ctx, c, cfg, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
	if err != nil || done[0].Rows != 1 {
		t.Fatalf("purge %+v %v", done, err)
	}
	if why, err := warehouse.ScrubPending(ctx, c); err != nil || len(why) == 0 {
		t.Errorf("scrub_pending after purging rows of a table in the file: %v %v", why, err)
	}
}

// hopPeople is peopleWarehouse with a raw_people table (first_name,
// last_name, email, phone; each in the catalog by its category) holding
// values, an SQL VALUES list.
func hopPeople(t *testing.T, values string) (*config.Config, *sql.Conn) {
	t.Helper()
	cfg, c := peopleWarehouse(t)
	for _, q := range []string{
		`CREATE TABLE raw_people (first_name VARCHAR, last_name VARCHAR, email VARCHAR, phone VARCHAR)`,
		`INSERT INTO raw_people VALUES ` + values,
		`INSERT INTO catalog VALUES ('people','raw_people','first_name','identity.name',true,1,'name','',NULL,NULL),
			('people','raw_people','last_name','identity.name',true,1,'name','',NULL,NULL),
			('people','raw_people','email','contact.email',true,1,'name','',NULL,NULL),
			('people','raw_people','phone','contact.phone',true,1,'name','',NULL,NULL)`,
	} {
		if _, err := c.ExecContext(context.Background(), q); err != nil {
			t.Fatal(err)
		}
	}
	return cfg, c
}
