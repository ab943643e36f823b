package flow

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/connect"
	"github.com/example/pipeline/pipeline/engine"
	"github.com/example/pipeline/pipeline/warehouse"
)

// TestRetentionFromFirstSeen: a run 13 months ago (the Runner's clock)
// staged the fixtures; today's run over the same files refuses every
// subject of vendor_people (12 months, from first_seen) and counts them
// as expired, while crm_people (retention_from: last_seen) keeps its own.
// first_seen stays the first run's.
func TestRetentionFromFirstSeen(t *testing.T) {
	ctx := context.Background()
	cfg := fixtureConfig(t)
	cfg.Sources["crm_people"].RetentionFrom = config.RetentionFromLastSeen
	now := time.Date(2026, 12, 7, 6, 0, 0, 0, time.UTC)
	then := now.AddDate(0, -13, 0)
	run := func(at time.Time) *Report {
		t.Helper()
		rep, err := (&Runner{Config: cfg, Connectors: connect.InProcess{}, Log: zerolog.Nop(), Clock: func() time.Time { return at }}).Run(ctx, Options{})
		if err != nil || rep.Status != "succeeded" {
			t.Fatalf("run at %s: %v", at, err)
		}
		return rep
	}
	first := run(then)
	staged := map[string]int64{}
	for _, s := range first.Stages {
		if s.Stage == StageStage {
			staged[s.Step] = s.RowsOut
		}
	}
	rep := run(now)
	expired := map[string]int64{}
	for _, s := range rep.Stages {
		if s.Stage == StageStage {
			expired[s.Step] = s.Expired
		}
	}
	if expired["vendor_people"] == 0 || expired["crm_people"] != 0 {
		t.Fatalf("expired at stage: %v, want vendor_people's subjects only", expired)
	}

	db, err := engine.Open(ctx, engine.Settings{Path: cfg.Warehouse})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	const subject = "hdixon@brightwater-logistics.co.uk" // in both people files
	var vendorRows, crmRows, withEmail int64
	var crmFirst, vendorFirst, vendorExpired time.Time
	for q, dst := range map[string]any{
		"SELECT count(*) FROM raw_vendor_people WHERE pl_email(email) = $1":                               &vendorRows,
		"SELECT count(*) FROM raw_crm_people WHERE pl_email(email) = $1":                                  &crmRows,
		"SELECT first_seen FROM subject_seen WHERE source = 'crm_people' AND subject_key = sha256($1)":    &crmFirst,
		"SELECT first_seen FROM subject_seen WHERE source = 'vendor_people' AND subject_key = sha256($1)": &vendorFirst,
		"SELECT expired_at FROM subject_seen WHERE source = 'vendor_people' AND subject_key = sha256($1)": &vendorExpired,
		"SELECT count(*) FROM raw_vendor_people WHERE pl_email(email) IS NOT NULL AND $1 <> ''":           &withEmail,
	} {
		if err := c.QueryRowContext(ctx, q, subject).Scan(dst); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if vendorRows != 0 || withEmail != 0 {
		t.Errorf("raw_vendor_people after expiry: %d rows of the subject, %d with an email; want none", vendorRows, withEmail)
	}
	if crmRows != 1 || !crmFirst.Equal(then) {
		t.Errorf("crm_people (last_seen): %d rows, first seen %s; want 1 row first seen %s", crmRows, crmFirst, then)
	}
	if !vendorFirst.Equal(then) || !vendorExpired.Equal(now) {
		t.Errorf("vendor_people: first seen %s, expired %s; want %s and %s", vendorFirst, vendorExpired, then, now)
	}
}

// TestFailedRunKeepsSeen: a run that fails after it wrote its generation
// of subject_seen's files (in its transaction, before export) leaves the
// previous generation in use and its own folder deleted: the same rows,
// the same single folder.
func TestFailedRunKeepsSeen(t *testing.T) {
	ctx := context.Background()
	cfg := fixtureConfig(t)
	then := time.Date(2026, 11, 7, 6, 0, 0, 0, time.UTC)
	r := &Runner{Config: cfg, Connectors: connect.InProcess{}, Log: zerolog.Nop(), Clock: func() time.Time { return then }}
	if rep, err := r.Run(ctx, Options{}); err != nil || rep.Status != "succeeded" {
		t.Fatalf("first run: %v", err)
	}
	state := func() (string, []string) {
		t.Helper()
		db, err := engine.Open(ctx, engine.Settings{Path: cfg.Warehouse})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var rows string
		if err := db.QueryRowContext(ctx, `SELECT string_agg(concat_ws('|', subject_key, source, first_seen, last_seen, expired_at), ',' ORDER BY subject_key, source) FROM subject_seen`).Scan(&rows); err != nil {
			t.Fatal(err)
		}
		gens, _ := filepath.Glob(filepath.Join(warehouse.RawRoot(cfg.Warehouse), warehouse.SeenTable, "*"))
		return rows, gens
	}
	rows, gens := state()
	if rows == "" || len(gens) != 1 {
		t.Fatalf("after the first run: subject_seen %q, generations %v", rows, gens)
	}
	bad := errors.New("stop before export")
	r.Clock = func() time.Time { return then.AddDate(0, 0, 1) }
	r.BeforeStage = func(_ context.Context, stage string) error {
		if stage == StageExport {
			return bad
		}
		return nil
	}
	if _, err := r.Run(ctx, Options{}); !errors.Is(err, bad) {
		t.Fatalf("second run: %v, want the hook's error", err)
	}
	rows2, gens2 := state()
	if rows2 != rows || !slices.Equal(gens2, gens) {
		t.Errorf("after a failed run: generations %v (were %v), rows changed: %v", gens2, gens, rows2 != rows)
	}
}

// TestSeenIsWhatWasStaged: after each of two runs, every people source's
// subjects in subject_seen are exactly those its staged rows give (the
// SHA-256 of each valid normalised email, computed here by SQL over the
// raw files) and those prospects derived for it from a company pattern:
// the keys the stage collected (engine.CollectSubjects) are the staged
// rows', none lost, none added.
func TestSeenIsWhatWasStaged(t *testing.T) {
	ctx := context.Background()
	cfg := fixtureConfig(t)
	at := time.Date(2026, 12, 7, 6, 0, 0, 0, time.UTC)
	for run := range 2 {
		r := &Runner{Config: cfg, Connectors: connect.InProcess{}, Log: zerolog.Nop(), Clock: func() time.Time { return at.AddDate(0, 0, run) }}
		if rep, err := r.Run(ctx, Options{}); err != nil || rep.Status != "succeeded" {
			t.Fatalf("run %d: %v", run, err)
		}
		db, err := engine.Open(ctx, engine.Settings{Path: cfg.Warehouse})
		if err != nil {
			t.Fatal(err)
		}
		c, err := db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		checked := 0
		for _, name := range cfg.SourceOrder {
			if !warehouse.SeenSource(cfg.Sources[name]) {
				continue
			}
			checked++
			want := `(SELECT sha256(pl_email(email)) AS k FROM ` + engine.Quote(warehouse.RawTable(name)) + ` WHERE pl_email(email) IS NOT NULL
				UNION SELECT subject_key FROM prospects WHERE list_contains(CAST(_sources AS VARCHAR[]), $1))`
			const got = `SELECT subject_key AS k FROM subject_seen WHERE source = $1`
			var missing, extra, n int64
			q := `SELECT (SELECT count(*) FROM (` + want + ` EXCEPT ` + got + `)), (SELECT count(*) FROM (` + got + ` EXCEPT ` + want + `)), (SELECT count(*) FROM (` + got + `))`
			if err := c.QueryRowContext(ctx, q, name).Scan(&missing, &extra, &n); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if missing != 0 || extra != 0 || n == 0 {
				t.Errorf("run %d, %s: subject_seen has %d subjects, %d staged ones missing, %d not staged", run, name, n, missing, extra)
			}
		}
		c.Close()
		db.Close()
		if checked < 2 {
			t.Fatalf("%d people sources checked, want the fixtures' two", checked)
		}
	}
}
