package main

import (
	"context"
	"crypto/sha256"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/example/pipeline/fixtures/gen"
	"github.com/example/pipeline/pipeline/engine"
	"github.com/example/pipeline/pipeline/normalize"
)

// TestRawFiles runs the binary on a generated set with each
// engine.raw_compression and checks the raw people files: Parquet with
// the chosen codec, 0600 in 0700 folders, one folder per subject bucket,
// every row in the bucket of its normalised email (NULL without one). An
// erasure then rewrites only the files of the subject's bucket, keeps
// the codec, and leaves every other file byte for byte as it was. The
// deliverable rows are the same with either codec.
func TestRawFiles(t *testing.T) {
	dir := t.TempDir()
	if err := gen.Generate(context.Background(), gen.Options{People: 20_000, Seed: 7, Out: dir}); err != nil {
		t.Fatal(err)
	}
	yamlPath := filepath.Join(dir, gen.PipelineFile)
	orig, err := os.ReadFile(yamlPath)
	if err != nil {
		t.Fatal(err)
	}
	const engineLine = "engine: {threads: 2,"
	if !strings.Contains(string(orig), engineLine) {
		t.Fatalf("generated pipeline.yaml has no %q", engineLine)
	}
	const buckets = 8
	deliverable := map[string]string{}
	for _, mode := range []string{"default", "fast", "small"} {
		line := "engine: {raw_buckets: " + strconv.Itoa(buckets) + ", threads: 2,"
		if mode != "default" {
			line = "engine: {raw_compression: " + mode + ", raw_buckets: " + strconv.Itoa(buckets) + ", threads: 2,"
		}
		if err := os.WriteFile(yamlPath, []byte(strings.Replace(string(orig), engineLine, line, 1)), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.RemoveAll(filepath.Join(dir, "state")); err != nil {
			t.Fatal(err)
		}
		mustPipeline(t, dir, "run")
		warehouse := filepath.Join(dir, "state", "warehouse.duckdb")
		root := filepath.Join(dir, "state", "warehouse.duckdb.raw", "raw_vendor_people")
		codec := "UNCOMPRESSED"
		if mode == "small" {
			codec = "ZSTD"
		}
		db := openDB(t, warehouse)
		if got := strings.Join(queryStrings(t, db, `SELECT DISTINCT compression FROM parquet_metadata($1) ORDER BY 1`,
			filepath.Join(root, "**", "*.parquet")), ","); got != codec {
			t.Errorf("raw_compression %s: raw files' codecs %q, want %s", mode, got, codec)
		}
		// every row in its email's bucket, the folders named for them
		rows, err := db.Query(`SELECT email, _bucket, filename FROM read_parquet($1, hive_partitioning = false)`, filepath.Join(root, "**", "*.parquet"))
		if err != nil {
			t.Fatal(err)
		}
		seen, n := map[string]bool{}, 0
		for rows.Next() {
			var email, bucket *string
			var file string
			if err := rows.Scan(&email, &bucket, &file); err != nil {
				t.Fatal(err)
			}
			want := "__HIVE_DEFAULT_PARTITION__"
			if email != nil {
				if e, ok := normalize.Email(*email); ok {
					want = strconv.Itoa(engine.EmailBucket(e, buckets))
				}
			}
			got := "__HIVE_DEFAULT_PARTITION__"
			if bucket != nil {
				got = *bucket
			}
			if got != want || filepath.Base(filepath.Dir(file)) != "_bucket="+want {
				t.Fatalf("row in bucket %s, file %s; its email's bucket is %s", got, file, want)
			}
			seen[want] = true
			n++
		}
		rows.Close()
		if len(seen) != buckets+1 || n < 19_000 {
			t.Errorf("%d rows in %d buckets, want every one of %d plus the one without an email", n, len(seen), buckets)
		}
		deliverable[mode] = strings.Join(queryStrings(t, db, "SELECT subject_key FROM deliverable ORDER BY 1"), ",")
		email := queryStrings(t, db, "SELECT email FROM deliverable ORDER BY subject_key LIMIT 1")[0]
		db.Close()
		before := rawFileSums(t, root)
		for p, fi := range before {
			if fi.mode != 0o600 || fi.dirMode != 0o700 {
				t.Errorf("%s: mode %v in a %v folder, want 0600 in 0700", p, fi.mode, fi.dirMode)
			}
		}

		mustPipeline(t, dir, "erase", "--email", email, "--yes")
		norm, _ := normalize.Email(email)
		mine := "_bucket=" + strconv.Itoa(engine.EmailBucket(norm, buckets))
		after := rawFileSums(t, root)
		if len(after) != len(before) {
			t.Fatalf("%d raw files before the erasure, %d after", len(before), len(after))
		}
		changed := 0
		for p, fi := range after {
			if fi.sum != before[p].sum {
				changed++
				if filepath.Base(filepath.Dir(p)) != mine {
					t.Errorf("the erasure rewrote %s, outside the subject's bucket %s", p, mine)
				}
			}
		}
		if changed == 0 {
			t.Errorf("the erasure rewrote no raw file of bucket %s", mine)
		}
		db = openDB(t, warehouse)
		if got := strings.Join(queryStrings(t, db, `SELECT DISTINCT compression FROM parquet_metadata($1) ORDER BY 1`,
			filepath.Join(root, "**", "*.parquet")), ","); got != codec {
			t.Errorf("raw_compression %s: after the erasure, codecs %q, want %s", mode, got, codec)
		}
		db.Close()
	}
	if deliverable["default"] == "" || deliverable["default"] != deliverable["small"] || deliverable["fast"] != deliverable["small"] {
		t.Errorf("deliverable differs between raw_compression settings (default %d, fast %d, small %d bytes of keys)",
			len(deliverable["default"]), len(deliverable["fast"]), len(deliverable["small"]))
	}
}

type rawFile struct {
	sum           [sha256.Size]byte
	mode, dirMode os.FileMode
}

// rawFileSums reads every Parquet file under root: checksum and modes.
func rawFileSums(t *testing.T, root string) map[string]rawFile {
	t.Helper()
	out := map[string]rawFile{}
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".parquet") {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		fi, err := os.Stat(p)
		if err != nil {
			return err
		}
		di, err := os.Stat(filepath.Dir(p))
		if err != nil {
			return err
		}
		out[p] = rawFile{sum: sha256.Sum256(b), mode: fi.Mode().Perm(), dirMode: di.Mode().Perm()}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestEmptyPeopleSource: a people source with a header and no rows stages
// one empty Parquet file, so its view still has its columns; the run, a
// SAR and an erasure all work over it.
func TestEmptyPeopleSource(t *testing.T) {
	dir := workspace(t)
	path := filepath.Join(dir, "fixtures", "people_crm.csv")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	header, _, _ := strings.Cut(string(b), "\n")
	if err := os.WriteFile(path, []byte(header+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	mustPipeline(t, dir, "run")
	files, err := filepath.Glob(filepath.Join(dir, "state", "warehouse.duckdb.raw", "raw_crm_people", "*", "*.parquet"))
	if err != nil || len(files) != 1 || filepath.Base(files[0]) != "empty.parquet" {
		t.Fatalf("raw files of the empty source: %v %v", files, err)
	}
	db := openDB(t, filepath.Join(dir, "state", "warehouse.duckdb"))
	cols := queryStrings(t, db, "SELECT column_name FROM duckdb_columns() WHERE table_name = 'raw_crm_people' ORDER BY column_index")
	n := queryStrings(t, db, "SELECT count(*) FROM raw_crm_people")
	db.Close()
	if len(cols) < 8 || n[0] != "0" {
		t.Fatalf("raw_crm_people: columns %v, rows %v", cols, n)
	}
	const email = "michael.adeyemi@blackthorn-retail.co.uk"
	if out := mustPipeline(t, dir, "sar", "--email", email, "--format", "json").stdout; !strings.Contains(out, `"vendor_people"`) {
		t.Errorf("SAR over an empty source missed the subject's other rows:\n%s", out)
	}
	mustPipeline(t, dir, "erase", "--email", email, "--yes")
}
