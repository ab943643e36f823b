package rights

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/engine"
	"github.com/example/pipeline/pipeline/normalize"
	"github.com/example/pipeline/pipeline/warehouse"
)

// TestBucketSearchReadsOnlyItsBuckets: the search of a bucketed raw table
// opens only the files of the subject's bucket (and of the rows without
// one, for the identity hop), and that of a keyed table's files (prospects,
// deliverable) those of the subject's key's bucket: with every other bucket's file made
// unreadable, the SAR still finds the subject's raw rows. (Reading the
// whole folder and filtering on _bucket opened every file.)
func TestBucketSearchReadsOnlyItsBuckets(t *testing.T) {
	cfg, c, layouts := fixtureLayouts(t)
	ctx := context.Background()
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

// TestStagedSubBuckets: every raw people row the stage wrote with a bucket
// carries the _bucket and _email_sub the search computes from its
// normalised email (normalize.EmailBucket, EmailSub), and the subject's
// search filters on both.
func TestStagedSubBuckets(t *testing.T) {
	cfg, c, layouts := fixtureLayouts(t)
	ctx := context.Background()
	checked := 0
	for _, l := range layouts {
		if l.Buckets < 1 || l.Keyed() {
			continue
		}
		rows, err := c.QueryContext(ctx, `SELECT pl_email(email), _bucket, _email_sub FROM `+engine.Quote(l.Table)+` WHERE _bucket IS NOT NULL`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var email string
			var bucket, sub int
			if err := rows.Scan(&email, &bucket, &sub); err != nil {
				t.Fatal(err)
			}
			if bucket != normalize.EmailBucket(email, l.Buckets) || sub != normalize.EmailSub(email, l.Buckets) {
				t.Errorf("%s: a row in bucket %d sub %d, its email's are %d and %d", l.Table, bucket, sub,
					normalize.EmailBucket(email, l.Buckets), normalize.EmailSub(email, l.Buckets))
			}
			checked++
		}
		rows.Close()
	}
	if checked < 10 {
		t.Fatalf("only %d bucketed raw rows checked", checked)
	}
	f := &Findings{Subject: fxSubject(t)}
	tables, err := catalogTables(ctx, c, cfg)
	if err != nil {
		t.Fatal(err)
	}
	subbed := 0
	for _, m := range tables {
		if r := f.bucketFilter(m); r != nil && r.HasSub {
			subbed++
			if r.Sub != normalize.EmailSub(fxEmail, m.Raw.Buckets) {
				t.Errorf("%s: searched sub-bucket %d", m.Table, r.Sub)
			}
		}
	}
	if subbed == 0 {
		t.Error("no raw table searched by sub-bucket")
	}
}

// fixtureLayouts is a fixture run (fixtureRun), a connection to its
// warehouse and its raw tables' layouts.
func fixtureLayouts(t *testing.T) (*config.Config, *sql.Conn, map[string]warehouse.RawLayout) {
	t.Helper()
	cfg := fixtureRun(t)
	c, _ := openFixture(t, cfg)
	layouts, err := warehouse.RawLayouts(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	return cfg, c, layouts
}
