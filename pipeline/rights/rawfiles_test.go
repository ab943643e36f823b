package rights

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/engine"
	"github.com/example/pipeline/pipeline/normalize"
	"github.com/example/pipeline/pipeline/warehouse"
)

// rawPeople writes a raw people table as the run does — subject-bucketed
// Parquet files, a view, a raw_files row — with 4000 strangers, the
// subject twice (two written forms), an email-less row under the
// subject's name and phone (the identity hop), and returns the database,
// a connection and the files' folder.
func rawPeople(t *testing.T, buckets int) (*config.Config, *engine.DB, *sql.Conn, string) {
	t.Helper()
	ctx := context.Background()
	cfg := peopleConfig(t.TempDir())
	cfg.Sources["people"].Retention = config.Retention{N: 12, Unit: "month"}
	db, c := testWarehouseDB(t, cfg.Warehouse)
	files := filepath.Join(warehouse.RawRoot(cfg.Warehouse), "raw_people", "r1")
	if err := os.MkdirAll(filepath.Dir(files), 0o700); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`CREATE TEMP TABLE src AS
			SELECT 'Sam' AS first_name, 'Other' || i AS last_name, 'other' || i || '@example.com' AS email,
				NULL AS phone, TIMESTAMP '2026-10-01' AS _loaded_at FROM range(4000) t(i)
			UNION ALL VALUES ('Jo', 'Bloggs', ' Jo@Example.com', '020 7946 0123', TIMESTAMP '2026-10-01'),
				('Jo', 'Bloggs', '<jo@example.com>', NULL, TIMESTAMP '2026-10-01'),
				('BLOGGS,', 'jo', NULL, '+44 20 7946 0123', TIMESTAMP '2026-10-01'),
				('Old', 'Row', 'old@example.com', NULL, TIMESTAMP '2024-01-01')`,
		`COPY (SELECT *, CAST(pl_stage_email(email, '` + strconv.Itoa(buckets) + `') AS INTEGER) AS _bucket FROM src)
			TO '` + files + `' (FORMAT parquet, COMPRESSION uncompressed, PARTITION_BY (_bucket), WRITE_PARTITION_COLUMNS true)`,
		`CREATE VIEW raw_people AS SELECT * FROM ` + engine.Scan{RawDir: files}.Key(),
		`INSERT INTO raw_files VALUES ('raw_people', '` + files + `', 'r1', ` + strconv.Itoa(buckets) + `, 'email', 'uncompressed')`,
		`INSERT INTO catalog VALUES ('people','raw_people','first_name','identity.name',true,1,'name','',NULL,NULL),
			('people','raw_people','last_name','identity.name',true,1,'name','',NULL,NULL),
			('people','raw_people','email','contact.email',true,1,'name','',NULL,NULL),
			('people','raw_people','phone','contact.phone',true,1,'name','',NULL,NULL)`,
	} {
		if _, err := c.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	return cfg, db, c, files
}

func fileSums(t *testing.T, cfg *config.Config, c *sql.Conn) map[string][sha256.Size]byte {
	t.Helper()
	layouts, err := warehouse.RawLayouts(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	files, err := warehouse.RawFiles(layouts["raw_people"])
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][sha256.Size]byte{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out[f] = sha256.Sum256(b)
	}
	return out
}

// TestRawFilesFindAndErase: the search of subject-bucketed raw files finds
// the subject's rows in their bucket and the hop row in the email-less
// bucket, the same with one connection or three; the erasure rewrites
// exactly the files holding them (a stale row number falls back to the
// predicate and still deletes no stranger); retention rewrites the file
// holding the old row.
func TestRawFilesFindAndErase(t *testing.T) {
	ctx := context.Background()
	cfg, db, c, _ := rawPeople(t, 4)
	s, _ := NewSubject("jo@example.com", "", "", "")
	count := func(q string) int { return countRows(t, c, q) }
	for _, stale := range []bool{false, true} {
		var found [2]int
		var f *Findings
		for i, opts := range []FindOptions{{}, {DB: db}} {
			var err error
			if f, err = Find(ctx, c, cfg, s, opts); err != nil {
				t.Fatal(err)
			}
			if len(f.Tables) == 1 {
				found[i] = len(f.Tables[0].Rows)
				if len(f.Tables[0].files) != found[i] {
					t.Fatalf("%d rows, %d files", found[i], len(f.Tables[0].files))
				}
				if _, ok := f.Tables[0].Rows[0][fileColumn]; ok {
					t.Fatalf("the file column reached the SAR")
				}
			}
		}
		if found != [2]int{3, 3} {
			t.Fatalf("stale %v: found %v rows (one connection, three), want the subject's 3", stale, found)
		}
		before := fileSums(t, cfg, c)
		if stale {
			f.Tables[0].rowIDs[0] = 0 // a stranger's place in that file
		}
		n, err := rewriteRawFiles(ctx, c, f, f.Tables[0])
		if err != nil || n != 3 {
			t.Fatalf("stale %v: deleted %d rows, err %v", stale, n, err)
		}
		if left := count(`SELECT count(*) FROM raw_people WHERE first_name <> 'Sam'`); left != 1 {
			t.Errorf("stale %v: %d rows left besides the strangers, want the old row", stale, left)
		}
		if others := count(`SELECT count(*) FROM raw_people WHERE first_name = 'Sam'`); others != 4000 {
			t.Errorf("stale %v: %d strangers left, want 4000", stale, others)
		}
		after := fileSums(t, cfg, c)
		touched := map[string]bool{}
		for _, file := range f.Tables[0].files {
			touched[file] = true
		}
		for file, sum := range after {
			if (sum != before[file]) != touched[file] {
				t.Errorf("stale %v: %s rewritten %v, holds the subject %v", stale, file, sum != before[file], touched[file])
			}
		}
		if len(after) != len(before) {
			t.Errorf("%d files before, %d after", len(before), len(after))
		}
		// the subject again, in new files of their buckets
		if !stale {
			layouts, err := warehouse.RawLayouts(ctx, c)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.ExecContext(ctx, `COPY (SELECT first_name, last_name, email, phone, _loaded_at,
					CAST(pl_stage_email(email, '4') AS INTEGER) AS _bucket FROM src WHERE first_name <> 'Sam' AND first_name <> 'Old')
				TO '`+layouts["raw_people"].Dir+`' (FORMAT parquet, PARTITION_BY (_bucket), WRITE_PARTITION_COLUMNS true, APPEND)`); err != nil {
				t.Fatal(err)
			}
		}
	}
	done, err := Purge(ctx, c, cfg, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
	// the people source, then the rejects of no configured source
	if err != nil || len(done) != 2 || done[0].Source != "people" || done[0].Rows != 1 || done[1].Rows != 0 {
		t.Fatalf("purge %+v %v", done, err)
	}
	if n := count(`SELECT count(*) FROM raw_people WHERE first_name = 'Old'`); n != 0 {
		t.Errorf("the old row outlived its retention")
	}
}

// TestBucketFilter: the search reads one bucket only where that cannot
// miss a row of the subject.
func TestBucketFilter(t *testing.T) {
	s, _ := NewSubject("jo@example.com", "", "", "")
	f := &Findings{Subject: s}
	b, sub := engine.EmailBucket("jo@example.com", 16), normalize.EmailSub("jo@example.com", 16)
	raw := &warehouse.RawLayout{Buckets: 16, BucketColumn: "email"}
	for _, tt := range []struct {
		name string
		m    matchCols
		want string // as sar_match.sql renders it
	}{
		{"email only", matchCols{Raw: raw, Email: []string{"email"}}, "_bucket = " + strconv.Itoa(b) + " AND "},
		{"with phones", matchCols{Raw: raw, Email: []string{"email"}, Phone: []string{"phone"}}, "(_bucket = " + strconv.Itoa(b) + " OR _bucket IS NULL) AND "},
		{"hop", matchCols{Raw: raw, Email: []string{"email"}, Phone: []string{"phone"}, HopOnly: true}, "_bucket IS NULL AND "},
		{"sub-bucketed", matchCols{Raw: raw, Email: []string{"email"}, columns: map[string]bool{subColumn: true}}, "(_bucket = " + strconv.Itoa(b) + " AND _email_sub = " + strconv.Itoa(sub) + ") AND "},
		{"sub-bucketed, with phones", matchCols{Raw: raw, Email: []string{"email"}, Phone: []string{"phone"}, columns: map[string]bool{subColumn: true}},
			"((_bucket = " + strconv.Itoa(b) + " AND _email_sub = " + strconv.Itoa(sub) + ") OR _bucket IS NULL) AND "},
		{"sub-bucketed hop", matchCols{Raw: raw, Email: []string{"email"}, Phone: []string{"phone"}, HopOnly: true, columns: map[string]bool{subColumn: true}}, "_bucket IS NULL AND "},
		{"a second email column", matchCols{Raw: raw, Email: []string{"email", "work_email"}}, ""},
		{"a subject_key column", matchCols{Raw: raw, Email: []string{"email"}, Key: []string{"k"}}, ""},
		{"email not the bucketed column", matchCols{Raw: raw, Email: []string{"work_email"}}, ""},
		{"not bucketed", matchCols{Raw: &warehouse.RawLayout{}, Email: []string{"email"}}, ""},
		{"a warehouse table", matchCols{Email: []string{"email"}}, ""},
	} {
		d := f.predicateData(tt.m)
		d.Table, d.From, d.Bucket = "t", engine.Scan{Table: "t"}, f.bucketFilter(tt.m)
		q, err := render("sar_match", d)
		if err != nil {
			t.Fatal(err)
		}
		_, where, _ := strings.Cut(q, "\nWHERE ")
		if !strings.HasPrefix(where, tt.want) || tt.want == "" && strings.Contains(where, "_bucket") {
			t.Errorf("%s: WHERE %s, want it to begin %q", tt.name, where, tt.want)
		}
	}
}
