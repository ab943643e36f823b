package warehouse

import (
	"context"
	"database/sql"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/example/pipeline/pipeline/engine"
)

// TestScrubMarks: each way personal values may reach the warehouse file's
// free blocks leaves its reason in scrub_pending (once), and a new
// warehouse has none: a warehouse from an earlier version (no
// scrub_pending), a run that ended without finishing, a keyed table that
// was a table replaced by files.
func TestScrubMarks(t *testing.T) {
	ctx := context.Background()
	wh := filepath.Join(t.TempDir(), "w.duckdb")
	// each session opens the warehouse (EnsureSchema), runs f, closes
	session := func(f func(c *sql.Conn)) {
		t.Helper()
		_, c, closeFn := openSchema(t, wh)
		defer closeFn()
		f(c)
	}
	exec := func(c *sql.Conn, q string) {
		t.Helper()
		if _, err := c.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	want := func(c *sql.Conn, reasons ...string) {
		t.Helper()
		got, err := ScrubPending(ctx, c)
		if err != nil || !slices.Equal(got, reasons) {
			t.Errorf("scrub_pending %q (%v), want %q", got, err, reasons)
		}
	}
	session(func(c *sql.Conn) {
		want(c)
		if err := MarkScrub(ctx, c, ScrubRejectsDeleted); err != nil {
			t.Fatal(err)
		}
		if err := MarkScrub(ctx, c, ScrubRejectsDeleted); err != nil {
			t.Fatal(err)
		}
		want(c, ScrubRejectsDeleted)
		exec(c, "DELETE FROM scrub_pending")
		exec(c, "DROP TABLE scrub_pending") // as an earlier version left it
	})
	session(func(c *sql.Conn) {
		want(c, ScrubEarlierVersion)
		exec(c, "DELETE FROM scrub_pending")
		exec(c, "INSERT INTO runs (run_id, status) VALUES ('r1', 'running')") // its process died
	})
	session(func(c *sql.Conn) {
		want(c, "a run ended without finishing it")
		exec(c, "DELETE FROM scrub_pending")
		exec(c, "CREATE TABLE prospects AS SELECT 'ab' AS subject_key, 'x@example.com' AS email")
		exec(c, "CREATE TEMP VIEW prospects_next AS SELECT * FROM prospects")
		if _, err := StoreKeyed(ctx, c, wh, "prospects", "prospects_next", "run1", "uncompressed"); err != nil {
			t.Fatal(err)
		}
		want(c, ScrubTableReplaced)
		var n int
		if err := c.QueryRowContext(ctx, "SELECT count(*) FROM prospects WHERE email = 'x@example.com'").Scan(&n); err != nil || n != 1 {
			t.Errorf("prospects after the move: %d rows (%v)", n, err)
		}
	})
}

// openSchema opens the warehouse at wh with its schema ensured, and a
// connection to it; both are closed by closeFn, or when the test ends.
func openSchema(t *testing.T, wh string) (db *engine.DB, c *sql.Conn, closeFn func()) {
	t.Helper()
	return openTest(t, wh, true)
}

// openTest is openSchema, the schema ensured only when schema is true (a
// test that writes a warehouse of an earlier version first).
func openTest(t *testing.T, wh string, schema bool) (db *engine.DB, c *sql.Conn, closeFn func()) {
	t.Helper()
	ctx := context.Background()
	db, err := engine.Open(ctx, engine.Settings{Path: wh})
	if err != nil {
		t.Fatal(err)
	}
	if schema {
		if err = EnsureSchema(ctx, db); err != nil {
			db.Close()
			t.Fatal(err)
		}
	}
	if c, err = db.Conn(ctx); err != nil {
		db.Close()
		t.Fatal(err)
	}
	var once sync.Once
	closeFn = func() { once.Do(func() { c.Close(); db.Close() }) }
	t.Cleanup(closeFn)
	return db, c, closeFn
}

// TestDropTableMarksScrub: a raw table of a version before raw files is a
// table in the warehouse file; replacing it by the view over this run's
// files (or dropping what a crashed run left) frees its values, so the
// file is marked for scrubbing even when nothing else is pending (an
// erasure's compaction cleared ScrubEarlierVersion before the run).
func TestDropTableMarksScrub(t *testing.T) {
	ctx := context.Background()
	wh := filepath.Join(t.TempDir(), "w.duckdb")
	_, c, _ := openSchema(t, wh)
	for _, q := range []string{
		"CREATE TABLE raw_people AS SELECT 'x@example.com' AS email",
		"DELETE FROM scrub_pending",
	} {
		if _, err := c.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if err := DropRelation(ctx, c, "raw_people"); err != nil {
		t.Fatal(err)
	}
	if got, err := ScrubPending(ctx, c); err != nil || !slices.Equal(got, []string{ScrubTableReplaced}) {
		t.Errorf("scrub_pending after dropping a table: %q (%v)", got, err)
	}
}
