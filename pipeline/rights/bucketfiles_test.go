package rights

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/example/pipeline/pipeline/engine"
	"github.com/example/pipeline/pipeline/warehouse"
)

// TestBucketSearchReadsOnlyItsBuckets: the search of a bucketed raw table
// opens only the files of the subject's bucket (and of the rows without
// one, for the identity hop), and that of a keyed table's files (prospects,
// deliverable) those of the subject's key's bucket: with every other bucket's file made
// unreadable, the SAR still finds the subject's raw rows. (Reading the
// whole folder and filtering on _bucket opened every file.)
func TestBucketSearchReadsOnlyItsBuckets(t *testing.T) {
	cfg := fixtureRun(t)
	c, _ := openFixture(t, cfg)
	ctx := context.Background()
	layouts, err := warehouse.RawLayouts(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	spoiled := 0
	for _, l := range layouts {
		if l.Buckets < 1 {
			continue
		}
		own := "_bucket=" + strconv.Itoa(engine.EmailBucket(fxEmail, l.Buckets))
		if l.Keyed() { // prospects, deliverable: by subject_key
			own = warehouse.SeenBucket(fxKey)
		}
		dirs, err := os.ReadDir(l.Dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range dirs {
			if d.Name() == own || d.Name() == nullBucketDir {
				continue
			}
			files, _ := filepath.Glob(filepath.Join(l.Dir, d.Name(), "*.parquet"))
			for _, f := range files {
				if err := os.WriteFile(f, []byte("not a parquet file"), 0o600); err != nil {
					t.Fatal(err)
				}
				spoiled++
			}
		}
	}
	if spoiled < 2 {
		t.Fatalf("only %d other buckets' files to spoil: the fixtures' raw people are not bucketed", spoiled)
	}
	f, err := Find(ctx, c, cfg, fxSubject(t), FindOptions{})
	if err != nil {
		t.Fatalf("the search opened another bucket's file: %v", err)
	}
	raw, keyed := 0, 0
	for _, h := range f.Tables {
		if h.match.Raw != nil {
			raw += len(h.Rows)
		}
		if h.Table == "prospects" || h.Table == "deliverable" {
			keyed += len(h.Rows)
		}
	}
	if keyed != 2 {
		t.Errorf("found %d rows of the subject in prospects and deliverable, want 2 (one each)", keyed)
	}
	if raw == 0 {
		t.Errorf("no raw row of the subject found: %+v", f.Tables)
	}
}
