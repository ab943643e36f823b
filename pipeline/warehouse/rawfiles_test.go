package warehouse

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// TestCleanRaw: the folders raw_files does not name and the .tmp files of
// an interrupted rewrite are removed, with the raw_*__next views; the
// named folder's data and another warehouse's raw files beside it stay.
func TestCleanRaw(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	wh := filepath.Join(dir, "w.duckdb")
	db, c, _ := openSchema(t, wh)
	keep := filepath.Join(RawRoot(wh), "raw_people", "run2")
	files := map[string]bool{ // path -> kept
		filepath.Join(keep, "_bucket=1", "part-0.parquet"):                                         true,
		filepath.Join(keep, "_bucket=1", "part-0.parquet.tmp"):                                     false,
		filepath.Join(RawRoot(wh), "raw_people", "run1", "_bucket=1", "p.parquet"):                 false,
		filepath.Join(RawRoot(wh), "raw_gone", "run0", "p.parquet"):                                false,
		filepath.Join(RawRoot(filepath.Join(dir, "other.duckdb")), "raw_people", "r", "p.parquet"): true,
	}
	for p := range files {
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, q := range []string{
		"INSERT INTO raw_files VALUES ('raw_people', '" + keep + "', 'run2', 16, 'email', 'uncompressed')",
		"CREATE VIEW raw_people__next AS SELECT 1 AS x",
		"CREATE TABLE raw_old__next (x INTEGER)",
	} {
		if _, err := c.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if err := EnsureSchema(ctx, db); err != nil {
		t.Fatal(err)
	}
	for p, kept := range files {
		if _, err := os.Stat(p); (err == nil) != kept {
			t.Errorf("%s: kept %v, want %v", p, err == nil, kept)
		}
	}
	var left int
	if err := c.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM duckdb_views() WHERE view_name LIKE '%\_\_next' ESCAPE '\')
		+ (SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE '%\_\_next' ESCAPE '\')`).Scan(&left); err != nil || left != 0 {
		t.Errorf("%d staged relations left (%v)", left, err)
	}
}

func TestCheckRawRoot(t *testing.T) {
	for path, ok := range map[string]bool{
		"/srv/state/warehouse.duckdb": true, "/srv/it's here/w.duckdb": true,
		"/srv/state[1]/w.duckdb": false, "/srv/*/w.duckdb": false, "/srv/w?.duckdb": false, "/srv/{a}/w.duckdb": false,
	} {
		if err := CheckRawRoot(path); (err == nil) != ok {
			t.Errorf("%s: %v", path, err)
		}
	}
}
