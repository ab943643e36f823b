package rights

import (
	"context"
	"crypto/sha256"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/example/pipeline/pipeline/warehouse"
)

// TestEraseSeenBucket: an erasure forgets the subject's subject_seen rows
// by rewriting the file of their bucket only (warehouse.SeenBucket); the
// other subjects' rows, in that file and in every other, stay.
func TestEraseSeenBucket(t *testing.T) {
	ctx := context.Background()
	cfg := fixtureRun(t)
	s := fxSubject(t)
	root := filepath.Join(warehouse.RawRoot(cfg.Warehouse), warehouse.SeenTable)
	seenRows := func() (mine, all int) {
		c, closeFn := openFixture(t, cfg)
		defer closeFn()
		if err := c.QueryRowContext(ctx, `SELECT count(*) FILTER (WHERE subject_key = $1), count(*) FROM subject_seen`, s.Key).Scan(&mine, &all); err != nil {
			t.Fatal(err)
		}
		return mine, all
	}
	mine, all := seenRows()
	if mine == 0 || all <= mine {
		t.Fatalf("subject_seen before the erasure: %d rows of the subject, %d in all", mine, all)
	}
	before := seenFileSums(t, root)
	if _, err := Erase(ctx, cfg, s, EraseOptions{Now: func() time.Time { return eraseNow }}); err != nil {
		t.Fatal(err)
	}
	if m, a := seenRows(); m != 0 || a != all-mine {
		t.Errorf("subject_seen after the erasure: %d rows of the subject, %d in all (want 0, %d)", m, a, all-mine)
	}
	after := seenFileSums(t, root)
	if len(after) != len(before) {
		t.Fatalf("%d files of subject_seen before the erasure, %d after", len(before), len(after))
	}
	changed := 0
	for p, sum := range after {
		if sum != before[p] {
			changed++
			if filepath.Base(filepath.Dir(p)) != warehouse.SeenBucket(s.Key) {
				t.Errorf("the erasure rewrote %s, outside the subject's bucket %s", p, warehouse.SeenBucket(s.Key))
			}
		}
	}
	if changed != 1 {
		t.Errorf("the erasure rewrote %d files of subject_seen, want 1", changed)
	}
}

// seenFileSums reads every file under root: path -> checksum.
func seenFileSums(t *testing.T, root string) map[string][sha256.Size]byte {
	t.Helper()
	out := map[string][sha256.Size]byte{}
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		out[p] = sha256.Sum256(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
