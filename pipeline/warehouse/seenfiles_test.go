package warehouse

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/example/pipeline/pipeline/engine"
)

// TestSeenFromTable: a warehouse from before subject_seen's files, with a
// subject_seen table, has it moved into them on its first open: the view
// reads the same rows, each in its bucket's folder, the table
// is gone, seen_files names the folder; a later open keeps that folder
// and deletes a generation no commit promoted (a crashed run's).
func TestSeenFromTable(t *testing.T) {
	ctx := context.Background()
	wh := filepath.Join(t.TempDir(), "w.duckdb")
	db, c, _ := openTest(t, wh, false)
	const keyA, keyB = "ab" + "00000000000000000000000000000000000000000000000000000000000001", "cd" + "00000000000000000000000000000000000000000000000000000000000002"
	for _, q := range []string{
		`CREATE TABLE subject_seen (subject_key VARCHAR NOT NULL, source VARCHAR NOT NULL, first_seen TIMESTAMP NOT NULL,
			last_seen TIMESTAMP NOT NULL, expired_at TIMESTAMP)`,
		`INSERT INTO subject_seen VALUES ('` + keyA + `', 'crm', TIMESTAMP '2025-01-01', TIMESTAMP '2026-01-01', NULL),
			('` + keyA + `', 'vendor', TIMESTAMP '2025-02-01', TIMESTAMP '2025-03-01', TIMESTAMP '2026-03-01'),
			('` + keyB + `', 'crm', TIMESTAMP '2025-04-01', TIMESTAMP '2026-04-01', NULL)`,
	} {
		if _, err := c.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	const rowsQ = `SELECT string_agg(concat_ws('|', subject_key, source, first_seen, last_seen, coalesce(CAST(expired_at AS VARCHAR), '-')), ',' ORDER BY subject_key, source) FROM subject_seen`
	var want, got string
	if err := c.QueryRowContext(ctx, rowsQ).Scan(&want); err != nil {
		t.Fatal(err)
	}
	if err := EnsureSchema(ctx, db); err != nil {
		t.Fatal(err)
	}
	if err := c.QueryRowContext(ctx, rowsQ).Scan(&got); err != nil || got != want {
		t.Fatalf("subject_seen after the move: %q, %v; want %q", got, err, want)
	}
	var kind string
	if err := c.QueryRowContext(ctx, engine.SQL("relation_kind"), SeenTable).Scan(&kind); err != nil || kind != "VIEW" {
		t.Errorf("subject_seen is a %q (%v), want the VIEW over its files", kind, err)
	}
	dir, _, err := currentSeen(ctx, c)
	if err != nil || filepath.Dir(dir) != filepath.Join(RawRoot(wh), SeenTable) {
		t.Fatalf("seen_files names %q (%v)", dir, err)
	}
	for _, k := range []string{keyA, keyB} {
		files, inFiles, err := SeenBucketFiles(ctx, c, k)
		if err != nil || !inFiles || len(files) != 1 || filepath.Base(filepath.Dir(files[0])) != SeenBucket(k) {
			t.Errorf("%s: bucket files %v, %v, %v", SeenBucket(k), files, inFiles, err)
		}
	}
	// a generation a crashed run wrote but never promoted
	stale := SeenDir(wh, "run-crashed")
	if err := os.MkdirAll(filepath.Join(stale, "_bucket=a"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(stale, "_bucket=a", "data_0.parquet"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := EnsureSchema(ctx, db); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("a generation no commit promoted is left: %v", err)
	}
	if dir2, _, _ := currentSeen(ctx, c); dir2 != dir {
		t.Errorf("a second open moved subject_seen again: %q, was %q", dir2, dir)
	}
	if err := c.QueryRowContext(ctx, rowsQ).Scan(&got); err != nil || got != want {
		t.Errorf("subject_seen after a second open: %q, %v", got, err)
	}
}

// TestSeenNew: a new warehouse's subject_seen is the empty view, with no
// folder named (a subject's lookup reads nothing).
func TestSeenNew(t *testing.T) {
	ctx := context.Background()
	wh := filepath.Join(t.TempDir(), "w.duckdb")
	_, c, _ := openSchema(t, wh)
	var n int
	if err := c.QueryRowContext(ctx, `SELECT count(*) FROM subject_seen`).Scan(&n); err != nil || n != 0 {
		t.Errorf("subject_seen: %d rows, %v", n, err)
	}
	if files, inFiles, err := SeenBucketFiles(ctx, c, "ab"); err != nil || inFiles || len(files) != 0 {
		t.Errorf("bucket files %v, %v, %v", files, inFiles, err)
	}
}
