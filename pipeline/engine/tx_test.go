package engine

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
)

// TestInTx: fn's writes are committed when it succeeds and rolled back
// when it fails (its error returned), and the connection can start a new
// transaction afterwards either way.
func TestInTx(t *testing.T) {
	ctx := context.Background()
	_, c := testConn(t, Settings{Path: filepath.Join(t.TempDir(), "w.duckdb")})
	if _, err := c.ExecContext(ctx, "CREATE TABLE t (v INTEGER)"); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	for _, tc := range []struct {
		name    string
		fnErr   error
		wantErr error
		want    int
	}{
		{"commits", nil, nil, 1},
		{"rolls back", boom, boom, 1},
		{"commits again", nil, nil, 2},
	} {
		err := InTx(ctx, c, func() error {
			if _, err := c.ExecContext(ctx, "INSERT INTO t VALUES (1)"); err != nil {
				return err
			}
			return tc.fnErr
		})
		if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil) != (err == nil) {
			t.Fatalf("%s: err %v, want %v", tc.name, err, tc.wantErr)
		}
		var n int
		if err := c.QueryRowContext(ctx, "SELECT count(*) FROM t").Scan(&n); err != nil || n != tc.want {
			t.Fatalf("%s: %d rows (%v), want %d", tc.name, n, err, tc.want)
		}
	}
}
