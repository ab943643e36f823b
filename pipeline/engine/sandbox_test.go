package engine_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/example/pipeline/pipeline/engine"
)

// TestSandbox: on a sandboxed read-only connection a SELECT reads the
// warehouse and the allowed folder; every write, file outside the folder,
// setting and extension is refused with ErrRefused.
func TestSandbox(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	wh := filepath.Join(dir, "w.duckdb")
	exp := filepath.Join(dir, "exports")
	secret := filepath.Join(dir, "secret.csv")
	if err := os.MkdirAll(exp, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(secret, []byte("a\n1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	rw, err := engine.Open(ctx, engine.Settings{Path: wh})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"CREATE TABLE t AS SELECT 42 AS a", "COPY (SELECT 7 AS x) TO '" + filepath.Join(exp, "x.parquet") + "'"} {
		if _, err := rw.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	rw.Close()

	db, err := engine.Open(ctx, engine.Settings{Path: wh, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	c, err := db.DB.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := engine.Sandbox(ctx, c, []string{exp}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"SELECT a FROM t", "SELECT x FROM read_parquet('" + filepath.Join(exp, "*.parquet") + "')"} {
		if err := engine.CheckReadOnly(ctx, c, q); err != nil {
			t.Errorf("%s: refused: %v", q, err)
			continue
		}
		var v int
		if err := c.QueryRowContext(ctx, q).Scan(&v); err != nil || v == 0 {
			t.Errorf("%s: %d %v", q, v, err)
		}
	}
	// refused by the sandbox itself, even on a statement that skipped the check
	sandboxed := []string{
		"COPY (SELECT a FROM t) TO '" + filepath.Join(dir, "leak.csv") + "'",
		"SELECT * FROM read_csv('" + secret + "')",
		"SELECT * FROM read_csv('/etc/passwd')",
		"ATTACH '" + filepath.Join(dir, "o.duckdb") + "' AS o",
		"INSTALL httpfs", "LOAD httpfs",
		"SET enable_external_access = true", "RESET lock_configuration",
		"CREATE TABLE u (a INT)", "INSERT INTO t VALUES (1)", "DELETE FROM t", "UPDATE t SET a = 1",
	}
	// refused by the statement check (one SELECT only)
	checked := append([]string{
		"COPY (SELECT a FROM t) TO '" + filepath.Join(exp, "leak.csv") + "'",
		"EXPORT DATABASE '" + filepath.Join(exp, "dump") + "'",
		"DETACH w", "USE memory", "PRAGMA enable_profiling", "CALL checkpoint()",
		"SELECT 1; DELETE FROM t", "EXPLAIN ANALYZE SELECT 1",
	}, sandboxed...)
	for _, q := range checked {
		if err := engine.CheckReadOnly(ctx, c, q); !errors.Is(err, engine.ErrRefused) {
			t.Errorf("%s: CheckReadOnly = %v, want ErrRefused", q, err)
		}
	}
	for _, q := range sandboxed {
		if _, err := c.ExecContext(ctx, q); !errors.Is(engine.Refusal(err), engine.ErrRefused) {
			t.Errorf("%s: on the sandboxed connection: %v, want ErrRefused", q, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "leak.csv")); err == nil {
		t.Error("leak.csv was written")
	}
}
