package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestMovedProject runs in folder A, copies the whole project folder to B
// (cp -a) and moves A's raw folder away, so that nothing under A can be
// read. An erasure in B must erase the subject from B's own raw files
// (the warehouse names A's by absolute path until it is re-pointed) and
// leave A's untouched; a run in B then works. With B's raw folder gone
// too, a command stops and names both folders instead of reading A's.
func TestMovedProject(t *testing.T) {
	a := workspace(t)
	mustPipeline(t, a, "run")
	rawA := filepath.Join(a, "state", "warehouse.duckdb.raw")
	if n := rawRowsWith(t, rawA, sarEmail); n == 0 {
		t.Fatalf("the subject is in no raw file of %s: the test proves nothing", rawA)
	}
	b := filepath.Join(t.TempDir(), "moved")
	if out, err := exec.Command("cp", "-a", a, b).CombinedOutput(); err != nil {
		t.Fatalf("cp -a: %v: %s", err, out)
	}
	away := rawA + ".away"
	if err := os.Rename(rawA, away); err != nil {
		t.Fatal(err)
	}
	mustPipeline(t, b, "erase", "--email", sarEmail, "--yes")
	rawB := filepath.Join(b, "state", "warehouse.duckdb.raw")
	if n := rawRowsWith(t, rawB, sarEmail); n != 0 {
		t.Errorf("after the erasure in the copy, %d rows of the subject are still in its raw files", n)
	}
	if err := os.Rename(away, rawA); err != nil {
		t.Fatal(err)
	}
	if n := rawRowsWith(t, rawA, sarEmail); n == 0 {
		t.Error("the erasure in the copy changed the original's raw files")
	}
	mustPipeline(t, b, "run")
	if n := rawRowsWith(t, rawB, sarEmail); n != 0 {
		t.Errorf("after a run in the copy, %d rows of the erased subject are in its raw files", n)
	}

	// a copy without its raw folder: fail closed, naming both folders
	c := filepath.Join(t.TempDir(), "bare")
	if err := os.MkdirAll(filepath.Join(c, "state"), 0o700); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"pipeline.yaml", filepath.Join("state", "warehouse.duckdb")} {
		copyFile(t, filepath.Join(a, f), filepath.Join(c, f))
	}
	if out, err := exec.Command("cp", "-a", filepath.Join(a, "fixtures"), filepath.Join(c, "fixtures")).CombinedOutput(); err != nil {
		t.Fatalf("cp -a: %v: %s", err, out)
	}
	r := pipeline(t, c, "erase", "--email", sarEmail, "--yes")
	if r.code == 0 {
		t.Fatal("erase in a copy without its raw folder succeeded")
	}
	if !strings.Contains(r.stderr, rawA) || !strings.Contains(r.stderr, filepath.Join(c, "state", "warehouse.duckdb.raw")) {
		t.Errorf("the error does not name both raw folders:\n%s", r.stderr)
	}
	if n := rawRowsWith(t, rawA, sarEmail); n == 0 {
		t.Error("the failed erasure changed the original's raw files")
	}
}

// rawRowsWith counts the rows of every raw Parquet file under root whose
// text holds email (case-insensitive).
func rawRowsWith(t *testing.T, root, email string) int {
	t.Helper()
	db := openDB(t, "")
	var files []string
	if err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".parquet") {
			files = append(files, p)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no raw files under %s", root)
	}
	n := 0
	for _, f := range files {
		var k int
		if err := db.QueryRow(`SELECT count(*) FROM read_parquet($1, hive_partitioning = false) t
			WHERE strpos(lower(CAST(t AS VARCHAR)), lower($2)) > 0`, f, email).Scan(&k); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		n += k
	}
	return n
}
