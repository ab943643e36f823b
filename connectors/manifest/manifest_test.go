package manifest

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	pq "github.com/parquet-go/parquet-go"
)

func TestBucket(t *testing.T) {
	for _, tc := range []struct {
		give, bucket string
		ok           bool
	}{
		{"part-0.parquet", "", false},
		{"country=GB/part-3-12.parquet", "3", true},
		{"country=GB\\part-a7-0.parquet", "a7", true},
		{"/x/part-0f1e2d3c-1.parquet", "0f1e2d3c", true},
		{"part-0f1e2d3c4-1.parquet", "", false}, // longer than MaxBucketDigits
		{"part-A7-0.parquet", "", false},        // not lower-case hex
		{"part-a7-x.parquet", "", false},
		{"part-a7-0.csv", "", false},
		{"data-a7-0.parquet", "", false},
	} {
		b, ok := Bucket(tc.give)
		if b != tc.bucket || ok != tc.ok {
			t.Errorf("Bucket(%q) = %q, %v; want %q, %v", tc.give, b, ok, tc.bucket, tc.ok)
		}
	}
	if FileName("a7", 2) != "part-a7-2.parquet" || FileName("", 0) != "part-0.parquet" {
		t.Errorf("FileName: %q, %q", FileName("a7", 2), FileName("", 0))
	}
}

func TestMayHold(t *testing.T) {
	const key = "a7c0ffee"
	for _, tc := range []struct {
		give string
		want bool
	}{
		{"country=GB/part-a-0.parquet", true},
		{"country=GB/part-a7-3.parquet", true},
		{"country=GB/part-a8-0.parquet", false},
		{"country=GB/part-b-0.parquet", false},
		{"country=GB/part-0.parquet", true}, // unbucketed: any subject
	} {
		if got := MayHold(tc.give, key); got != tc.want {
			t.Errorf("MayHold(%q, %s) = %v, want %v", tc.give, key, got, tc.want)
		}
	}
}

type row struct {
	SubjectKey string `parquet:"subject_key"`
}

func writeParquet(t *testing.T, path string, keys ...string) {
	t.Helper()
	rows := make([]row, len(keys))
	for i, k := range keys {
		rows[i] = row{k}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := pq.WriteFile(path, rows); err != nil {
		t.Fatal(err)
	}
}

// TestBuildAndRefresh: Build records each file's bucket and the digits;
// Refresh re-reads only the changed files (an unchanged file's entry is
// kept as listed, unread) and drops a changed file that is gone.
func TestBuildAndRefresh(t *testing.T) {
	dir := t.TempDir()
	writeParquet(t, filepath.Join(dir, "country=GB", "part-a7-0.parquet"), "a7x", "a7y")
	writeParquet(t, filepath.Join(dir, "country=GB", "part-b2-0.parquet"), "b2x")
	writeParquet(t, filepath.Join(dir, "country=IE", "part-a7-0.parquet"), "a7z")
	m, err := Build(context.Background(), dir, map[string]string{"run_id": "r1"})
	if err != nil {
		t.Fatal(err)
	}
	if m.Rows != 4 || m.BucketDigits != 2 || len(m.Files) != 3 || m.Files[0].Bucket != "a7" || m.Files[1].Bucket != "b2" {
		t.Fatalf("Build = %+v", m)
	}
	m.Files[1].SHA256 = "kept-as-listed" // Refresh must not re-read an unchanged file
	if err := Write(dir, m); err != nil {
		t.Fatal(err)
	}
	writeParquet(t, filepath.Join(dir, "country=GB", "part-a7-0.parquet"), "a7y")
	if err := os.Remove(filepath.Join(dir, "country=IE", "part-a7-0.parquet")); err != nil {
		t.Fatal(err)
	}
	if err := Refresh(dir, map[string]bool{"country=GB/part-a7-0.parquet": true, "country=IE/part-a7-0.parquet": true}); err != nil {
		t.Fatal(err)
	}
	got, err := Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got.Rows != 2 || len(got.Files) != 2 || got.Files[0].Rows != 1 || got.Files[1].SHA256 != "kept-as-listed" || got.Metadata["run_id"] != "r1" {
		t.Errorf("after Refresh: %+v", got)
	}
}
