package rights

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/example/pipeline/pipeline/config"
)

// indexTestWarehouse: a people table full of written forms of a few
// subjects' identifiers (case, padding, mailto and display names, Unicode,
// national and international phones with every separator, extensions,
// vanity numbers, profile URLs with and without scheme, www. and slashes)
// among random strangers, some sharing a switchboard number.
func indexTestWarehouse(t *testing.T) (*config.Config, func() []string) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	cfg := &config.Config{Dir: dir, Warehouse: dir + "/w.duckdb", SourceOrder: []string{"people"},
		Sources: map[string]*config.Source{"people": {Name: "people", Role: "people"}},
		Exports: map[string]*config.Export{}, Campaigns: map[string]*config.Campaign{}}
	c := testWarehouse(t, cfg.Warehouse)
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := c.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec(`CREATE TABLE raw_people (first_name VARCHAR, last_name VARCHAR, email VARCHAR, phone VARCHAR, linkedin_url VARCHAR, country VARCHAR, subject_key VARCHAR)`)
	exec(`INSERT INTO catalog VALUES ('people','raw_people','first_name','identity.name',true,1,'name','',NULL,NULL),
		('people','raw_people','last_name','identity.name',true,1,'name','',NULL,NULL),
		('people','raw_people','email','contact.email',true,1,'name','',NULL,NULL),
		('people','raw_people','phone','contact.phone',true,1,'name','',NULL,NULL),
		('people','raw_people','linkedin_url','online.profile_url',true,1,'name','',NULL,NULL),
		('people','raw_people','country','company.country',false,1,'name','',NULL,NULL),
		('people','raw_people','subject_key','pseudonymous.subject_key',true,1,'name','',NULL,NULL)`)
	emails := func(e string) []string {
		u := strings.ToUpper(e)
		return []string{e, u, "  " + e + " ", "\t" + e + "\n", "mailto:" + u, "Jo <" + e + ">", e + ".", "\u00a0" + e, "<mailto:" + e + "?subject=x>"}
	}
	phones := []string{"020 7946 0123", "+44 20 7946 0123", "0044 (0)20-7946-0123", "+44.20.7946.0123", "(020) 7946 0123 ext. 9", "+44 20 7946 0123 x9",
		"tel:+44-20-7946-0123", "+442079460123#", "020/7946/0123", "+４４ ２０ ７９４６ ０１２３"}
	rng := rand.New(rand.NewPCG(5, 8))
	ins := `INSERT INTO raw_people VALUES ($1, $2, $3, $4, $5, $6, $7)`
	for i := range 3000 { // strangers
		ph := fmt.Sprintf("0161 496 %04d", rng.IntN(10000))
		if i%7 == 0 {
			ph = phones[rng.IntN(len(phones))] // colleagues on jo's switchboard
		}
		exec(ins, "Stranger", fmt.Sprint(i), fmt.Sprintf("s%d@example.com", i), ph, fmt.Sprintf("https://linkedin.com/in/s%d", i), "GB", nil)
	}
	for _, e := range emails("jo.bloggs@example.com") {
		exec(ins, "Jo", "Bloggs", e, phones[rng.IntN(len(phones))], nil, "GB", nil)
	}
	for _, e := range emails("jö@bücher.de") {
		exec(ins, "Jö", "Ü", e, nil, "https://www.linkedin.com/in/jö/", "DE", nil)
	}
	for _, ph := range phones { // email-less rows under jo's name
		exec(ins, "BLOGGS", "jo", nil, ph, nil, "GB", nil)
	}
	for _, r := range [][3]any{ // odd names and rows without a country
		{"Jo\tBloggs", nil, "GB"}, {"Bloggs", "Jo\n", nil}, {"Jö", "Bloggs", "GB"}, {"jo", "BLOGGS", nil}, {"Jo Q", "Bloggs", "GB"},
	} {
		for _, ph := range []string{"+44 20 7946 0123 ext 9", "020 7946 0123", "tel:020-7946-0123"} {
			exec(ins, r[0], r[1], nil, ph, nil, r[2], nil)
		}
	}
	for _, u := range []string{"https://www.linkedin.com/in/jo-bloggs/", "HTTP://LinkedIn.com/in/jo-bloggs", " linkedin.com/in/jo-bloggs// ", "www.linkedin.com/in/jo-bloggs"} {
		exec(ins, "Jo", "Bloggs", nil, nil, u, "GB", nil)
	}
	exec(ins, "Jo", "Bloggs", "jo.bloggs@example.com", "+44 20 7946 0123", "https://www.linkedin.com/in/jo-bloggs", "GB", nil)
	exec(ins, nil, nil, nil, nil, nil, nil, "KEY-ONLY")
	subjects := func() []string {
		return []string{"jo.bloggs@example.com", "jö@bücher.de", "s17@example.com", "s21@example.com", "nobody@example.com"}
	}
	return cfg, subjects
}

// findJSON runs Find and returns the table hits as JSON, for comparison.
func findJSON(t *testing.T, cfg *config.Config, email, phone, profile string, minRows int64) string {
	t.Helper()
	ctx := context.Background()
	db, err := OpenWarehouse(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s, err := NewSubject(email, phone, profile, "")
	if err != nil {
		t.Fatal(err)
	}
	f, err := Find(ctx, c, cfg, s, FindOptions{IndexMinRows: minRows, BuildIndex: true})
	if err != nil {
		t.Fatal(err)
	}
	var rows []string
	for _, h := range f.Tables {
		for _, r := range h.Rows {
			b, _ := json.Marshal(r)
			rows = append(rows, h.Table+" "+string(b))
		}
	}
	b, _ := json.Marshal(map[string]any{"rows": rows, "phones": f.Subject.Phones, "profiles": f.Subject.Profiles})
	return string(b)
}

// The index only narrows the search: through it, a SAR finds exactly the
// rows a whole-table scan finds, for every subject and identifier mix.
func TestIndexedSearchMatchesScan(t *testing.T) {
	cfg, subjects := indexTestWarehouse(t)
	type q struct{ email, phone, profile string }
	var qs []q
	for _, e := range subjects() {
		qs = append(qs, q{e, "", ""})
	}
	qs = append(qs, q{"jo.bloggs@example.com", "+44 20 7946 0123", ""}, q{"nobody@example.com", "", "linkedin.com/in/jo-bloggs"},
		q{"nobody@example.com", "020 7946 0123", ""}, q{"nobody@example.com", "+290 22158", ""}, q{"KEY-ONLY@example.com", "", ""})
	for _, tt := range qs {
		scan := findJSON(t, cfg, tt.email, tt.phone, tt.profile, -1)
		indexed := findJSON(t, cfg, tt.email, tt.phone, tt.profile, 1)
		if scan != indexed {
			t.Errorf("%+v:\nscan    %s\nindexed %s", tt, scan, indexed)
		}
		if tt.email == "jo.bloggs@example.com" && strings.Count(scan, "raw_people ") < 20 {
			t.Errorf("%+v: the fixture should give jo many rows: %s", tt, scan)
		}
	}
	ctx := context.Background()
	db, _ := OpenWarehouse(ctx, cfg)
	defer db.Close()
	c, _ := db.Conn(ctx)
	defer c.Close()
	var n, rows int64
	if err := c.QueryRowContext(ctx, `SELECT count(*) FROM "subject_index__raw_people"`).Scan(&n); err != nil || n < 9000 {
		t.Fatalf("index entries %d %v", n, err)
	}
	if err := c.QueryRowContext(ctx, `SELECT "rows" FROM subject_index_state WHERE "table" = 'raw_people'`).Scan(&rows); err != nil || rows < 3000 {
		t.Fatalf("index state %d %v", rows, err)
	}
}

// An erasure through the index deletes the same rows, takes their entries
// out of the index and keeps it usable; its compaction drops the index,
// and the next search rebuilds it.
func TestEraseThroughIndex(t *testing.T) {
	cfg, _ := indexTestWarehouse(t)
	ctx := context.Background()
	before := findJSON(t, cfg, "jo.bloggs@example.com", "", "", 1)
	s, _ := NewSubject("jo.bloggs@example.com", "", "", "")
	res, err := Erase(ctx, cfg, s, EraseOptions{IndexMinRows: 1, BuildIndex: true, DeferCompact: true})
	if err != nil {
		t.Fatal(err)
	}
	var erased int64
	for _, tc := range res.Tables {
		erased += tc.Rows
	}
	if want := int64(strings.Count(before, "raw_people ")); erased != want || want < 20 {
		t.Errorf("erased %d rows, the SAR found %d", erased, want)
	}
	db, _ := OpenWarehouse(ctx, cfg)
	c, _ := db.Conn(ctx)
	var entries, stateRows, tableRows int64
	_ = c.QueryRowContext(ctx, `SELECT count(*) FROM "subject_index__raw_people" i WHERE i.rid NOT IN (SELECT rowid FROM raw_people)`).Scan(&entries)
	_ = c.QueryRowContext(ctx, `SELECT "rows" FROM subject_index_state`).Scan(&stateRows)
	_ = c.QueryRowContext(ctx, `SELECT count(*) FROM raw_people`).Scan(&tableRows)
	c.Close()
	db.Close()
	if entries != 0 || stateRows != tableRows {
		t.Errorf("index after erase: %d entries of deleted rows; state %d rows, table %d", entries, stateRows, tableRows)
	}
	if after := findJSON(t, cfg, "jo.bloggs@example.com", "", "", 1); after != findJSON(t, cfg, "jo.bloggs@example.com", "", "", -1) || strings.Contains(after, "raw_people ") {
		t.Errorf("after erase: %s", after)
	}
	if err := Compact(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	db, _ = OpenWarehouse(ctx, cfg)
	c, _ = db.Conn(ctx)
	var left int64
	_ = c.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_tables() WHERE starts_with(table_name, 'subject_index__')`).Scan(&left)
	c.Close()
	db.Close()
	if left != 0 {
		t.Errorf("compaction left %d subject indexes", left)
	}
	if got := findJSON(t, cfg, "s17@example.com", "", "", 1); got != findJSON(t, cfg, "s17@example.com", "", "", -1) {
		t.Errorf("after compaction: %s", got)
	}
}

// Without BuildIndex a search builds nothing (a single SAR would wait
// longer for the build than for a scan) but uses an index that is current.
func TestSearchBuildsIndexOnlyWhenAsked(t *testing.T) {
	cfg, _ := indexTestWarehouse(t)
	ctx := context.Background()
	count := func() (n int64) {
		db, _ := OpenWarehouse(ctx, cfg)
		defer db.Close()
		c, _ := db.Conn(ctx)
		defer c.Close()
		_ = c.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_tables() WHERE starts_with(table_name, 'subject_index__')`).Scan(&n)
		return n
	}
	find := func(build bool) int {
		db, _ := OpenWarehouse(ctx, cfg)
		defer db.Close()
		c, _ := db.Conn(ctx)
		defer c.Close()
		s, _ := NewSubject("jo.bloggs@example.com", "", "", "")
		f, err := Find(ctx, c, cfg, s, FindOptions{IndexMinRows: 1, BuildIndex: build})
		if err != nil {
			t.Fatal(err)
		}
		return f.Rows()
	}
	scanned := find(false)
	if n := count(); n != 0 {
		t.Fatalf("a search without BuildIndex built %d indexes", n)
	}
	if got := find(true); got != scanned || count() != 1 {
		t.Fatalf("with BuildIndex: %d rows (scan %d), %d indexes", got, scanned, count())
	}
	if got := find(false); got != scanned {
		t.Errorf("through the existing index: %d rows, scan %d", got, scanned)
	}
}
