package engine

import (
	"context"
	"path/filepath"
	"testing"
)

// TestCheckpointWithoutFSST: strings FSST would compress (a few hundred
// long values repeated) are stored with another method once the
// warehouse checkpoints, on every connection of the database.
func TestCheckpointWithoutFSST(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, Settings{Path: filepath.Join(t.TempDir(), "w.duckdb")})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{
		`CREATE TABLE t AS SELECT 'https://www.linkedin.com/in/person-' || (i % 500) || '-' || md5(i::VARCHAR) AS s FROM range(200000) r(i)`,
		`CHECKPOINT`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	rows, err := db.QueryContext(ctx, `SELECT DISTINCT compression FROM pragma_storage_info('t') WHERE segment_type = 'VARCHAR'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var methods []string
	for rows.Next() {
		var m string
		if err := rows.Scan(&m); err != nil {
			t.Fatal(err)
		}
		methods = append(methods, m)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(methods) == 0 {
		t.Fatal("no VARCHAR segments in pragma_storage_info")
	}
	for _, m := range methods {
		if m == "FSST" {
			t.Errorf("strings stored with FSST (methods %v)", methods)
		}
	}
}
