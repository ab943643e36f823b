package flow

import (
	"context"
	"testing"

	"github.com/rs/zerolog"

	"github.com/example/pipeline/pipeline/connect"
	"github.com/example/pipeline/pipeline/engine"
	"github.com/example/pipeline/pipeline/normalize"
	"github.com/example/pipeline/pipeline/warehouse"
)

// TestTombstoneRefusedAtStage: with an erasure tombstone in the warehouse,
// a run over sources that still hold the subject (in two written forms,
// one per people source) keeps none of their rows: not in the raw files,
// not in prospects; the stage counts them as refused. Other people's
// rows are all staged.
func TestTombstoneRefusedAtStage(t *testing.T) {
	ctx := context.Background()
	cfg := fixtureConfig(t)
	const erased = "hdixon@brightwater-logistics.co.uk" // people.csv and people_crm.csv
	db, err := engine.Open(ctx, engine.Settings{Path: cfg.Warehouse})
	if err != nil {
		t.Fatal(err)
	}
	if err := warehouse.EnsureSchema(ctx, db); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO suppression (kind, hash, reason, source, added_at, added_by)
		VALUES ('email', $1, 'erasure', 'manual', now(), 'test')`, normalize.SubjectKey(erased)); err != nil {
		t.Fatal(err)
	}
	db.Close()

	rep, err := (&Runner{Config: cfg, Connectors: connect.InProcess{}, Log: zerolog.Nop()}).Run(ctx, Options{})
	if err != nil || rep.Status != "succeeded" {
		t.Fatalf("run: %v", err)
	}
	refused := map[string]int64{}
	for _, s := range rep.Stages {
		if s.Stage == StageStage {
			refused[s.Step] = s.Suppressed
		}
	}
	if refused["vendor_people"] != 1 || refused["crm_people"] != 1 {
		t.Errorf("refused at stage: %v, want one row from each people source", refused)
	}

	if db, err = engine.Open(ctx, engine.Settings{Path: cfg.Warehouse}); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for q, want := range map[string]int{
		`SELECT count(*) FROM raw_vendor_people WHERE pl_email(email) = $1`: 0,
		`SELECT count(*) FROM raw_crm_people WHERE pl_email(email) = $1`:    0,
		`SELECT count(*) FROM prospects WHERE email = $1`:                   0,
		// every other good row of people.csv (249 good, 1 malformed) is there
		`SELECT count(*) FROM raw_vendor_people WHERE $1 <> ''`: 248,
	} {
		var n int
		if err := c.QueryRowContext(ctx, q, erased).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != want {
			t.Errorf("%s: %d, want %d", q, n, want)
		}
	}
}
