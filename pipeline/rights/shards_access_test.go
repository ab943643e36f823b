package rights

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/example/pipeline/pipeline/audit"
	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/engine"
	"github.com/example/pipeline/pipeline/warehouse"
)

// hopPhone is the fixtures' subject's phone as their rows carry it.
const hopPhone = "+442079460439"

// secondShard is the configuration of a second shard warehouse beside
// cfg's (the same project, exports and sources; its own warehouse, as
// a sharded run leaves it). It holds none of the subject's rows by their
// email: a vendor_people row with their name and phone but no email (the
// identity hop reaches it only from the other shard's rows), a colleague
// on the same number, a stranger, and an earlier sighting of the subject
// in vendor_people (in a subject_seen table, as before its files).
func secondShard(t *testing.T, cfg *config.Config) *config.Config {
	t.Helper()
	ctx := context.Background()
	sc := *cfg
	sc.Warehouse = cfg.Warehouse + ".shard-1-of-2"
	sc.Engine.TempDirectory = cfg.Engine.TempDirectory + "/shard-1-of-2"
	db, err := engine.Open(ctx, engine.Settings{Path: sc.Warehouse, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := warehouse.EnsureSchema(ctx, db); err != nil {
		t.Fatal(err)
	}
	cat := func(col, category string, personal bool) string {
		return fmt.Sprintf("('vendor_people','raw_vendor_people','%s','%s',%v,1,'name','',NULL,NULL)", col, category, personal)
	}
	for _, q := range []string{
		`CREATE TABLE raw_vendor_people (first_name VARCHAR, last_name VARCHAR, email VARCHAR, job_title VARCHAR, company_domain VARCHAR,
			phone VARCHAR, linkedin_url VARCHAR, country VARCHAR, _source VARCHAR, _run_id VARCHAR, _loaded_at TIMESTAMP)`,
		`INSERT INTO raw_vendor_people VALUES
			('Hamza', 'Dixon', NULL, 'Head of Marketing', 'brightwater-events.co.uk', '+44 20 7946 0439', NULL, 'GB', 'vendor_people', 'r-b', TIMESTAMP '2026-11-01'),
			('Jo', 'Smith', NULL, 'CFO', 'brightwater-events.co.uk', '020 7946 0439', NULL, 'GB', 'vendor_people', 'r-b', TIMESTAMP '2026-11-01'),
			('Sam', 'Other', 'sam.other@northwind-payroll.co.uk', 'CFO', 'northwind-payroll.co.uk', '020 7946 0999', NULL, 'GB', 'vendor_people', 'r-b', TIMESTAMP '2026-11-01')`,
		`INSERT INTO catalog VALUES ` + strings.Join([]string{cat("first_name", "identity.name", true), cat("last_name", "identity.name", true),
			cat("email", "contact.email", true), cat("phone", "contact.phone", true), cat("linkedin_url", "online.profile_url", true),
			cat("job_title", "professional.job_title", true), cat("company_domain", "company.domain", false), cat("country", "company.country", false)}, ", "),
		// subject_seen as a warehouse from before its files kept it: the
		// shard's first open (openShard) moves it into them
		`DROP VIEW subject_seen`,
		`CREATE TABLE subject_seen (subject_key VARCHAR NOT NULL, source VARCHAR NOT NULL, first_seen TIMESTAMP NOT NULL,
			last_seen TIMESTAMP NOT NULL, expired_at TIMESTAMP)`,
		`INSERT INTO subject_seen VALUES ('` + fxKey + `', 'vendor_people', TIMESTAMP '2026-01-05 08:00:00', TIMESTAMP '2026-01-06 08:00:00', NULL)`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%v\n%s", err, q)
		}
	}
	return &sc
}

// openShard opens a shard's warehouse as the sharded SAR does.
func openShard(t *testing.T, cfg *config.Config) ShardConn {
	t.Helper()
	db, err := warehouse.OpenLocked(context.Background(), cfg, warehouse.Privacy)
	if err != nil {
		t.Fatal(err)
	}
	c, err := db.Conn(context.Background())
	if err != nil {
		db.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(); db.Close() })
	return ShardConn{Config: cfg, Conn: c, DB: db}
}

// names are the first and last names of rows.
func names(rows []Row) string {
	var out []string
	for _, r := range rows {
		out = append(out, fmt.Sprint(r["first_name"], " ", r["last_name"]))
	}
	slices.Sort(out)
	return strings.Join(out, ",")
}

// TestAccessShards: a SAR over two shard warehouses finds the subject's
// rows in the shard that holds them, reaches their email-less row in the
// other through the phone and name found in the first (not the colleague
// on the same number), lists the export row both shards scanned once,
// keeps the earliest sighting of a source, and is audited in each shard.
func TestAccessShards(t *testing.T) {
	ctx := context.Background()
	cfgA := fixtureRun(t)
	cfgB := secondShard(t, cfgA)
	s := fxSubject(t)

	// alone, shard B holds nothing it can tie to the subject
	b := openShard(t, cfgB)
	alone, err := Find(ctx, b.Conn, cfgB, s, FindOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if alone.Rows() != 0 {
		t.Fatalf("shard B alone found %d rows: %+v", alone.Rows(), alone.Tables)
	}

	shards := []ShardConn{openShard(t, cfgA), b}
	r, err := AccessShards(ctx, shards, cfgA, s, FindOptions{Deep: true}, sarNow)
	if err != nil {
		t.Fatal(err)
	}
	found := foundByDataset(r)
	for ds, want := range map[string]int{"vendor_people": 2, "crm_people": 1, "prospects": 1, "deliverable": 1, "acme_q1": 1} {
		if got := len(found[ds].Rows); got != want {
			t.Errorf("%s: %d rows, want %d", ds, got, want)
		}
	}
	if len(found) != 5 {
		t.Errorf("found %d datasets, want 5: %v", len(found), found)
	}
	if got := names(found["vendor_people"].Rows); got != "Hamza Dixon,Hamza Dixon" {
		t.Errorf("vendor_people rows: %s (want the subject's row in each shard, not the colleague's)", got)
	}
	if ex := found["acme_q1"]; len(ex.Files) != 1 || ex.Rows[0]["subject_key"] != fxKey {
		t.Errorf("the export: %d files, rows %v", len(ex.Files), ex.Rows)
	}
	// one vendor_people sighting: shard B's earlier first, shard A's later last
	var seen []string
	for _, x := range r.Seen {
		seen = append(seen, x.Source+":"+x.FirstSeen)
	}
	if got := strings.Join(seen, " "); strings.Count(got, "vendor_people:") != 1 || !strings.Contains(got, "vendor_people:2026-01-05T08:00:00Z") {
		t.Errorf("seen %s", got)
	}
	if f := found["vendor_people"]; f.FirstSeen != "2026-01-05T08:00:00Z" {
		t.Errorf("vendor_people first seen %q", f.FirstSeen)
	}
	for _, sh := range shards {
		entries, err := audit.List(ctx, sh.Conn, fxKey)
		if err != nil {
			t.Fatal(err)
		}
		var sars []string
		for _, e := range entries {
			if e.Action == "sar" {
				sars = append(sars, fmt.Sprint(e.Details["shards"]))
			}
		}
		if strings.Join(sars, ",") != "2" {
			t.Errorf("%s: sar audit entries (shards) %v, want one", sh.Config.Warehouse, sars)
		}
	}
}

// TestSeedAcrossShards: the subject seeded from every shard carries the
// names, phones and profile URLs of their rows, and with it a shard that
// holds none of their rows by email finds the row the hop reaches; from a
// shard with none of their rows there is nothing to hop through.
func TestSeedAcrossShards(t *testing.T) {
	ctx := context.Background()
	cfgA := fixtureRun(t)
	cfgB := secondShard(t, cfgA)
	s := fxSubject(t)
	for _, tc := range []struct {
		name   string
		cfgs   []*config.Config
		seeded bool
		rowsB  string // what shard B finds with the returned subject
	}{
		{"both shards", []*config.Config{cfgA, cfgB}, true, "Hamza Dixon"},
		{"shard B only", []*config.Config{cfgB}, false, ""},
	} {
		got, err := SeedAcrossShards(ctx, tc.cfgs, s, FindOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if (got.seed != nil) != tc.seeded {
			t.Fatalf("%s: seed %+v", tc.name, got.seed)
		}
		if tc.seeded && (!slices.Equal(got.seed.names, []string{"dixon hamza"}) || !slices.Equal(got.seed.phones, []string{hopPhone}) ||
			!slices.Equal(got.seed.profiles, []string{"linkedin.com/in/hamza-dixon-7310"})) {
			t.Errorf("%s: seed %+v", tc.name, *got.seed)
		}
		if got.Key != s.Key || got.Email != s.Email {
			t.Errorf("%s: the subject changed: %+v", tc.name, got)
		}
		c, closeFn := openFixture(t, cfgB)
		f, err := Find(ctx, c, cfgB, got, FindOptions{})
		closeFn()
		if err != nil {
			t.Fatal(err)
		}
		var rows []Row
		for _, h := range f.Tables {
			rows = append(rows, h.Rows...)
		}
		if n := names(rows); n != tc.rowsB {
			t.Errorf("%s: shard B found %q, want %q", tc.name, n, tc.rowsB)
		}
	}
}

// TestSeedFrom: whether a shard's search missed an identifier another
// shard's rows gave, and so must be searched again.
func TestSeedFrom(t *testing.T) {
	s := Subject{Email: "a@b.co", Key: "k"}
	withRows := &Findings{Names: []string{"bloggs jo"}, rowPhones: []string{"+441"}, rowProfiles: []string{"linkedin.com/in/jo"}}
	for _, tc := range []struct {
		name           string
		all            []*Findings
		seeded, missed bool
	}{
		{"one shard", []*Findings{withRows}, true, false},
		{"both found the same", []*Findings{withRows, {Names: []string{"bloggs jo"}, rowPhones: []string{"+441"}, rowProfiles: []string{"linkedin.com/in/jo"}}}, true, false},
		{"a shard without the rows", []*Findings{withRows, {}}, true, true},
		{"a shard missing the phone", []*Findings{withRows, {Names: []string{"bloggs jo"}, rowProfiles: []string{"linkedin.com/in/jo"}}}, true, true},
		{"names only: nothing to hop through", []*Findings{{Names: []string{"bloggs jo"}}, {}}, false, false},
		{"nothing found", []*Findings{{}, {}}, false, false},
	} {
		got, missed := seedFrom(s, tc.all)
		if (got.seed != nil) != tc.seeded || missed != tc.missed {
			t.Errorf("%s: seeded %v, missed %v; want %v, %v", tc.name, got.seed != nil, missed, tc.seeded, tc.missed)
		}
	}
	if !covers([]string{"a", "b"}, []string{"b"}) || covers([]string{"a"}, []string{"a", "b"}) || !covers(nil, nil) {
		t.Error("covers")
	}
}

// TestMergeSeen: one entry per source, the earliest first sighting with
// the rest of the latest.
func TestMergeSeen(t *testing.T) {
	got := mergeSeen([]Seen{
		{Source: "a", FirstSeen: "2026-03-01T00:00:00Z", LastSeen: "2026-04-01T00:00:00Z", DeleteAfter: "x"},
		{Source: "b", FirstSeen: "2026-01-01T00:00:00Z", LastSeen: "2026-01-01T00:00:00Z"},
		{Source: "a", FirstSeen: "2026-01-01T00:00:00Z", LastSeen: "2026-02-01T00:00:00Z", DeleteAfter: "y"},
		{Source: "a", FirstSeen: "2026-05-01T00:00:00Z", LastSeen: "2026-06-01T00:00:00Z", DeleteAfter: "z"},
	})
	want := []Seen{
		{Source: "a", FirstSeen: "2026-01-01T00:00:00Z", LastSeen: "2026-06-01T00:00:00Z", DeleteAfter: "z"},
		{Source: "b", FirstSeen: "2026-01-01T00:00:00Z", LastSeen: "2026-01-01T00:00:00Z"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("mergeSeen:\n got %+v\nwant %+v", got, want)
	}
}

// TestMergeEraseResults: the erasures of one subject in each shard make
// one result: rows per table and per sink added up, files, recipients and
// unsearchable exports told once, the tombstone added when any shard
// added it.
func TestMergeEraseResults(t *testing.T) {
	file := PlannedFile{Export: "e", Dir: "/x", File: "part-1.parquet", Rows: 1}
	notice := Notice{Recipient: "Acme", Export: "e"}
	ns := NotSearchable{Export: "crm", Connector: "crm"}
	a := &EraseResult{SubjectKey: "k", Tables: []TableChange{{Table: "raw_people", Rows: 2}, {Table: "prospects", Rows: 1}},
		Rejects: 1, Lineage: 1, Files: []PlannedFile{file}, Sinks: []SinkChange{{Export: "crm2", Rows: 1}},
		NotSearchable: []NotSearchable{ns}, Tombstone: "already present", Notices: []Notice{notice}}
	b := &EraseResult{SubjectKey: "k", Resumed: true, Tables: []TableChange{{Table: "raw_people", Rows: 3}, {Table: "raw_crm", Rows: 1}},
		Rejects: 2, Lineage: 0, Files: []PlannedFile{file, {Export: "e", Dir: "/x", File: "part-2.parquet", Rows: 1}},
		Sinks: []SinkChange{{Export: "crm2", Rows: 4}}, NotSearchable: []NotSearchable{ns}, Tombstone: "added", Notices: []Notice{notice}, Pending: "compact"}
	if MergeEraseResults([]*EraseResult{a}) != a {
		t.Error("one shard's result is not returned as it is")
	}
	m := MergeEraseResults([]*EraseResult{a, b})
	if got := fmt.Sprint(m.Tables); got != "[{ raw_people 5} { prospects 1} { raw_crm 1}]" {
		t.Errorf("tables %s", got)
	}
	if got := fmt.Sprint(m.Sinks); got != "[{crm2  5}]" {
		t.Errorf("sinks %s", got)
	}
	if m.Rejects != 3 || m.Lineage != 1 || len(m.Files) != 2 || len(m.Notices) != 1 || len(m.NotSearchable) != 1 ||
		m.Tombstone != "added" || !m.Resumed || m.Pending != "compact" || m.SubjectKey != "k" {
		t.Errorf("merged %+v", m)
	}
	// the order of the shards does not decide the tombstone
	if m := MergeEraseResults([]*EraseResult{b, a}); m.Tombstone != "added" {
		t.Errorf("tombstone %q, want added", m.Tombstone)
	}
	dry := MergeEraseResults([]*EraseResult{{DryRun: true, Tombstone: "would be added"}, {DryRun: true, Tombstone: "would be added"}})
	if !dry.DryRun || dry.Tombstone != "would be added" {
		t.Errorf("dry run merged %+v", dry)
	}
}
