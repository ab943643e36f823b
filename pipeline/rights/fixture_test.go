package rights

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"github.com/rs/zerolog"

	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/connect"
	"github.com/example/pipeline/pipeline/engine"
	"github.com/example/pipeline/pipeline/flow"
	"github.com/example/pipeline/pipeline/warehouse"
)

// The fixtures' subject: in both vendor files (people.csv, people_crm.csv)
// and in the acme_q1 export, the only person named Dixon.
const (
	fxEmail = "hdixon@brightwater-logistics.co.uk"
	fxKey   = "7d731b2e5ce4427730289c966f1ebabefa9a60af73946acee38653f28d1b8135"
	// fxExportRows is the acme_q1 export's size after the fixtures' run.
	fxExportRows = 42
)

// fixtureBase is the project folder of one run of the default pipeline
// over the bundled fixtures, made once per test binary and read-only (a
// test that wrote to it through a stale path would fail, not leak into
// the next test).
var fixtureBase struct {
	once sync.Once
	dir  string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if d := fixtureBase.dir; d != "" {
		_ = filepath.WalkDir(d, func(p string, _ os.DirEntry, _ error) error { return os.Chmod(p, 0o700) })
		os.RemoveAll(d)
	}
	os.Exit(code)
}

// fixtureRun gives the test its own project folder in which the
// product's run (flow.Runner, the built-in connectors in process) has run
// the repository's pipeline.yaml over the bundled fixtures: a real
// warehouse, raw Parquet files, the acme_q1 export and its lineage. The
// run is made once and copied; opening the copy points its warehouse at
// its own raw files.
func fixtureRun(t *testing.T) *config.Config {
	t.Helper()
	fixtureBase.once.Do(func() {
		if fixtureBase.dir, fixtureBase.err = os.MkdirTemp("", "rights-fixtures-"); fixtureBase.err == nil {
			fixtureBase.err = runFixtures(fixtureBase.dir)
		}
		if fixtureBase.err == nil {
			fixtureBase.err = filepath.WalkDir(fixtureBase.dir, func(p string, d os.DirEntry, err error) error {
				if err != nil {
					return err
				}
				return os.Chmod(p, map[bool]os.FileMode{true: 0o500, false: 0o400}[d.IsDir()])
			})
		}
	})
	if fixtureBase.err != nil {
		t.Fatalf("the fixtures' run: %v", fixtureBase.err)
	}
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(fixtureBase.dir)); err != nil {
		t.Fatal(err)
	}
	if err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Chmod(p, map[bool]os.FileMode{true: 0o700, false: 0o600}[d.IsDir()])
	}); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(filepath.Join(dir, "pipeline.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	openCopy(t, cfg)
	return cfg
}

// openCopy opens the copied warehouse as every command does
// (warehouse.EnsureSchema), which re-points its raw tables from the original
// folder's files to the copy's (raw_files names them by absolute path),
// so that a test opening it directly reads the copy's files.
func openCopy(t *testing.T, cfg *config.Config) {
	t.Helper()
	ctx := context.Background()
	db, err := engine.Open(ctx, engine.Settings{Path: cfg.Warehouse, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := warehouse.EnsureSchema(ctx, db); err != nil {
		t.Fatal(err)
	}
}

func runFixtures(dir string) error { return runFixturesWith(dir, nil) }

// runFixturesWith is runFixtures with edit, when set, called on the
// copied fixtures folder before the run.
func runFixturesWith(dir string, edit func(fixtures string) error) error {
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..")
	if err := os.CopyFS(filepath.Join(dir, "fixtures"), os.DirFS(filepath.Join(root, "fixtures"))); err != nil {
		return err
	}
	if edit != nil {
		if err := filepath.WalkDir(filepath.Join(dir, "fixtures"), func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				err = os.Chmod(p, 0o600)
			}
			return err
		}); err != nil {
			return err
		}
		if err := edit(filepath.Join(dir, "fixtures")); err != nil {
			return err
		}
	}
	b, err := os.ReadFile(filepath.Join(root, "pipeline.yaml"))
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "pipeline.yaml"), b, 0o600); err != nil {
		return err
	}
	cfg, err := config.Load(filepath.Join(dir, "pipeline.yaml"))
	if err != nil {
		return err
	}
	r := &flow.Runner{Config: cfg, Connectors: connect.InProcess{}, Log: zerolog.Nop()}
	rep, err := r.Run(context.Background(), flow.Options{})
	if err != nil {
		return err
	}
	if rep.Status != "succeeded" || len(rep.Exports) != 1 || edit == nil && rep.Exports[0].Rows != fxExportRows {
		return fmt.Errorf("status %s, exports %+v", rep.Status, rep.Exports)
	}
	return nil
}

// openFixture opens cfg's warehouse (its tables ensured) and a connection
// with the pl_* functions; closeFn closes both (before an Erase, which
// opens and replaces the warehouse file itself) and is safe to call twice.
func openFixture(t *testing.T, cfg *config.Config) (c *sql.Conn, closeFn func()) {
	t.Helper()
	db, err := warehouse.OpenLocked(context.Background(), cfg, warehouse.Privacy)
	if err != nil {
		t.Fatal(err)
	}
	if c, err = db.Conn(context.Background()); err != nil {
		db.Close()
		t.Fatal(err)
	}
	var once sync.Once
	closeFn = func() { once.Do(func() { c.Close(); db.Close() }) }
	t.Cleanup(closeFn)
	return c, closeFn
}

// exportRows reads the export files under dir (all of them, as a
// recipient would) with a DuckDB of its own: the rows in total and those
// whose subject_key or email is the subject's.
func exportRows(t *testing.T, dir, key, email string) (total, subject int64) {
	t.Helper()
	ctx := context.Background()
	db, err := engine.Open(ctx, engine.Settings{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.QueryRowContext(ctx, `SELECT count(*), count(*) FILTER (WHERE subject_key = $1 OR lower(email) = $2)
		FROM read_parquet($3, hive_partitioning = false)`, key, email, filepath.Join(dir, "**", "*.parquet")).Scan(&total, &subject); err != nil {
		t.Fatal(err)
	}
	return total, subject
}
