package audit_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/example/pipeline/pipeline/audit"
	"github.com/example/pipeline/pipeline/engine"
)

// openAt opens a fresh warehouse with the audit table and returns it with its path.
func openAt(t *testing.T) (*engine.DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "w.duckdb")
	db, err := engine.Open(context.Background(), engine.Settings{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := audit.EnsureTable(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	return db, path
}

// TestAnchorTruncation: a log cut to nothing (or by its last entries)
// verified before the anchor; now VerifyAnchored names the cut, and a
// later append does not move the anchor past the evidence.
func TestAnchorTruncation(t *testing.T) {
	for _, keep := range []int{0, 2} {
		ctx := context.Background()
		db, wh := openAt(t)
		// fresh warehouse: no sidecar, nothing to anchor, verifies
		if n, err := audit.VerifyAnchored(ctx, db, wh); err != nil || n != 0 {
			t.Fatalf("fresh: n=%d err=%v", n, err)
		}
		appendN(t, db, 3)
		if err := audit.Anchor(ctx, db, wh); err != nil {
			t.Fatalf("first anchor: %v", err)
		}
		st, err := os.Stat(audit.HeadPath(wh))
		if err != nil || st.Mode().Perm() != 0o600 {
			t.Fatalf("sidecar: %v %v", st, err)
		}
		if n, err := audit.VerifyAnchored(ctx, db, wh); err != nil || n != 3 {
			t.Fatalf("anchored: n=%d err=%v", n, err)
		}
		if _, err := db.ExecContext(ctx, "DELETE FROM audit_log WHERE seq > ?", keep); err != nil {
			t.Fatal(err)
		}
		if n, err := audit.Verify(ctx, db); err != nil || n != keep {
			t.Fatalf("the chain alone cannot see the cut: n=%d err=%v", n, err)
		}
		_, err = audit.VerifyAnchored(ctx, db, wh)
		if !errors.Is(err, audit.ErrTampered) || !strings.Contains(err.Error(), "has no seq 3") {
			t.Fatalf("keep %d: VerifyAnchored = %v, want the cut named", keep, err)
		}
		// a new append re-uses seq keep+1; the anchor stays where it was
		appendN(t, db, 1)
		if err := audit.Anchor(ctx, db, wh); !errors.Is(err, audit.ErrTampered) {
			t.Fatalf("Anchor over a cut log = %v, want ErrTampered", err)
		}
		if _, err := audit.VerifyAnchored(ctx, db, wh); !errors.Is(err, audit.ErrTampered) {
			t.Fatalf("after a later append: %v, want ErrTampered", err)
		}
	}
}

// TestAnchorMissingSidecar: entries without a sidecar do not verify.
func TestAnchorMissingSidecar(t *testing.T) {
	ctx := context.Background()
	db, wh := openAt(t)
	appendN(t, db, 2)
	if err := audit.Anchor(ctx, db, wh); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(audit.HeadPath(wh)); err != nil {
		t.Fatal(err)
	}
	if _, err := audit.VerifyAnchored(ctx, db, wh); !errors.Is(err, audit.ErrTampered) || !strings.Contains(err.Error(), "missing") {
		t.Fatalf("VerifyAnchored without sidecar = %v", err)
	}
}

// TestAnchorRewritten: a log replaced by a fresh chain of the same
// length (every hash recomputed) verifies alone but not against the anchor.
func TestAnchorRewritten(t *testing.T) {
	ctx := context.Background()
	db, wh := openAt(t)
	appendN(t, db, 2)
	if err := audit.Anchor(ctx, db, wh); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, "DELETE FROM audit_log"); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		if _, err := audit.Append(ctx, db, audit.Entry{Actor: "x", Action: "other"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := audit.VerifyAnchored(ctx, db, wh); !errors.Is(err, audit.ErrTampered) || !strings.Contains(err.Error(), "rewritten") {
		t.Fatalf("VerifyAnchored = %v, want rewritten", err)
	}
}

// TestRunAnchorColumns: the runs table's record of the head is checked
// when the table has the audit head columns, and a runs table without
// them (or none) is no anchor at all.
func TestRunAnchorColumns(t *testing.T) {
	ctx := context.Background()
	db, wh := openAt(t)
	appendN(t, db, 2)
	if err := audit.Anchor(ctx, db, wh); err != nil {
		t.Fatal(err)
	}
	exec := func(q string) {
		t.Helper()
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec("CREATE TABLE runs (run_id VARCHAR)")
	if n, err := audit.VerifyAnchored(ctx, db, wh); err != nil || n != 2 {
		t.Fatalf("runs without the audit columns: n=%d err=%v", n, err)
	}
	exec("ALTER TABLE runs ADD COLUMN audit_seq BIGINT")
	exec("ALTER TABLE runs ADD COLUMN audit_hash VARCHAR")
	exec("INSERT INTO runs VALUES ('r1', 2, 'not the hash of seq 2')")
	if _, err := audit.VerifyAnchored(ctx, db, wh); !errors.Is(err, audit.ErrTampered) || !strings.Contains(err.Error(), "the runs table") {
		t.Fatalf("a run's record that does not match: VerifyAnchored = %v, want ErrTampered naming the runs table", err)
	}
}
