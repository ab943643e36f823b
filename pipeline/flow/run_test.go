package flow

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/connect"
	"github.com/example/pipeline/pipeline/engine"
	"github.com/example/pipeline/pipeline/warehouse"
)

// fixtureConfig copies pipeline.yaml and the fixture CSVs into a temp dir
// and loads the config from there.
func fixtureConfig(t *testing.T) *config.Config {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..")
	dir := t.TempDir()
	copyTo := func(from, to string) {
		b, err := os.ReadFile(from)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(to, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	copyTo(filepath.Join(root, "pipeline.yaml"), filepath.Join(dir, "pipeline.yaml"))
	if err := os.Mkdir(filepath.Join(dir, "fixtures"), 0o700); err != nil {
		t.Fatal(err)
	}
	csvs, _ := filepath.Glob(filepath.Join(root, "fixtures", "*.csv"))
	for _, f := range csvs {
		copyTo(f, filepath.Join(dir, "fixtures", filepath.Base(f)))
	}
	cfg, err := config.Load(filepath.Join(dir, "pipeline.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// TestRunInProcess runs the pipeline in this process (so that -race sees
// the run's background work: plugin prestarts, the raw tables'
// classification on a second connection) and checks what the catalog got
// from each path, then that a run failing while that classification may
// still be going stops it cleanly.
func TestRunInProcess(t *testing.T) {
	ctx := context.Background()
	cfg := fixtureConfig(t)
	r := &Runner{Config: cfg, Connectors: connect.InProcess{}, Log: zerolog.Nop()}
	rep, err := r.Run(ctx, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Status != "succeeded" || len(rep.Exports) != 1 || rep.Exports[0].Rows != 42 {
		t.Fatalf("status %s, exports %+v", rep.Status, rep.Exports)
	}
	db, err := engine.Open(ctx, engine.Settings{Path: cfg.Warehouse})
	if err != nil {
		t.Fatal(err)
	}
	cats := map[string]string{}
	rows, err := db.QueryContext(ctx, `SELECT dataset || '.' || "column", category FROM catalog`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			t.Fatal(err)
		}
		cats[k] = v
	}
	rows.Close()
	// the raw files carry _source and _run_id as one-member ENUMs
	// (stage_table.sql); they read back as VARCHAR, one value each
	var n int
	var src, runID, typ string
	if err := db.QueryRowContext(ctx, `SELECT count(DISTINCT (_source, _run_id)), any_value(_source), any_value(_run_id),
		typeof(any_value(_source)) || ' ' || typeof(any_value(_run_id)) FROM raw_vendor_people`).Scan(&n, &src, &runID, &typ); err != nil {
		t.Fatal(err)
	}
	if n != 1 || src != "vendor_people" || runID != rep.RunID || typ != "VARCHAR VARCHAR" {
		t.Errorf("raw_vendor_people provenance: %d distinct, %q, %q (%s); want vendor_people, %q, VARCHAR", n, src, runID, typ, rep.RunID)
	}
	db.Close()
	for k, want := range map[string]string{
		"vendor_people.email":   "contact.email", // classified in the background
		"vendor_people.notes":   "special_category",
		"companies.domain":      "company.domain",
		"prospects.email":       "contact.email", // classified in the classify stage
		"deliverable.phone":     "contact.phone",
		"prospects.subject_key": "pseudonymous.subject_key",
	} {
		if got, ok := cats[k]; !ok || got != want {
			t.Errorf("catalog %s = %q (present %v), want %q", k, got, ok, want)
		}
	}

	if cats["rejects.raw_line"] == "" {
		t.Error("catalog has no entry for rejects.raw_line")
	}

	// a run that fails at the classify stage's door, and one that stops
	// after enrich (no background classification at all)
	stop := errors.New("stop here")
	for _, tc := range []struct {
		only, at string
	}{{"", StageClassify}, {"", StageSuppress}, {StageEnrich, ""}} {
		r.BeforeStage = func(_ context.Context, stage string) error {
			if stage == tc.at {
				return stop
			}
			return nil
		}
		rep, err := r.Run(ctx, Options{Only: tc.only})
		switch {
		case tc.at != "" && (!errors.Is(err, stop) || rep.Status != "failed"):
			t.Errorf("run stopped before %s: status %s, err %v", tc.at, rep.Status, err)
		case tc.at == "" && (err != nil || rep.Status != "succeeded"):
			t.Errorf("run --only %s: status %s, err %v", tc.only, rep.Status, err)
		}
	}
	// --only runs the stages up to and including the one named, in the
	// order of the stage list (Stages): suppress, then classify
	r.BeforeStage = nil
	for _, tc := range []struct {
		only string
		want []string
	}{
		{StageClassify, []string{StageStage, StageEnrich, StageSuppress, StageClassify}},
		{StageSuppress, []string{StageStage, StageEnrich, StageSuppress}},
	} {
		rep, err := r.Run(ctx, Options{Only: tc.only})
		if err != nil {
			t.Fatalf("run --only %s: %v", tc.only, err)
		}
		var got []string
		for _, row := range rep.Stages {
			if len(got) == 0 || got[len(got)-1] != row.Stage {
				got = append(got, row.Stage)
			}
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("run --only %s: stages %v, want %v", tc.only, got, tc.want)
		}
	}
	// the warehouse is still whole and unlocked: the first run's export
	// state is what a new run builds on
	if rep, err := r.Run(ctx, Options{}); err != nil || !strings.EqualFold(rep.Status, "succeeded") {
		t.Fatalf("last run: status %v, err %v", rep, err)
	}
}

// TestValidationAlongside: over an existing warehouse, Runner.Validate
// runs alongside the run's first work. A check that passes lets the run
// finish; one that fails while the sources are staging stops the run
// with the check's error and leaves nothing: no run row, no staged view,
// no raw folder of the run. A new warehouse is not created by a run
// whose check fails.
func TestValidationAlongside(t *testing.T) {
	ctx := context.Background()
	cfg := fixtureConfig(t)
	bad := errors.New("config: no")
	// the check fails once the run is staging its sources: by then the
	// run has created the warehouse and written raw files
	var staging chan struct{}
	failWhileStaging := func(ctx context.Context) error {
		// a run that fails before staging would otherwise wait for this
		// check for ever: the test fails instead (a guard, not a timing)
		select {
		case <-staging:
			return bad
		case <-time.After(5 * time.Minute):
			return errors.New("the run never reached its stage step")
		}
	}
	r := &Runner{Config: cfg, Connectors: connect.InProcess{}, Log: zerolog.Nop(), Validate: failWhileStaging,
		BeforeStage: func(_ context.Context, stage string) error {
			if stage == StageStage {
				close(staging)
			}
			return nil
		}}
	staging = make(chan struct{})
	if _, err := r.Run(ctx, Options{}); !errors.Is(err, bad) {
		t.Fatalf("new warehouse: err %v, want the check's", err)
	}
	for _, p := range []string{cfg.Warehouse, cfg.Warehouse + ".wal", warehouse.RawRoot(cfg.Warehouse)} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("a run whose check failed left %s behind", p)
		}
	}
	r.Validate = func(ctx context.Context) error { return nil }
	r.BeforeStage = nil
	if rep, err := r.Run(ctx, Options{}); err != nil || rep.Status != "succeeded" {
		t.Fatalf("first run: %v", err)
	}
	rawDirs := func() []string {
		d, _ := filepath.Glob(filepath.Join(warehouse.RawRoot(cfg.Warehouse), "raw_*", "*"))
		return d
	}
	before := rawDirs()
	staging = make(chan struct{})
	r.BeforeStage = func(_ context.Context, stage string) error {
		if stage == StageStage {
			close(staging)
		}
		return nil
	}
	r.Validate = failWhileStaging
	if rep, err := r.Run(ctx, Options{}); !errors.Is(err, bad) || rep != nil {
		t.Fatalf("failed check: report %v, err %v", rep, err)
	}
	db, err := engine.Open(ctx, engine.Settings{Path: cfg.Warehouse})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var runs, next int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM runs").Scan(&runs); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_views() WHERE view_name LIKE '%\_\_next' ESCAPE '\'`).Scan(&next); err != nil {
		t.Fatal(err)
	}
	if runs != 1 || next != 0 {
		t.Errorf("after a failed check: %d run rows (want 1), %d staged views (want 0)", runs, next)
	}
	if after := rawDirs(); strings.Join(after, ",") != strings.Join(before, ",") {
		t.Errorf("raw folders %v, want %v", after, before)
	}
}
