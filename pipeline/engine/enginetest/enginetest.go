// Package enginetest gives tests a connection to a DuckDB of their own.
package enginetest

import (
	"context"
	"database/sql"
	"testing"

	"github.com/example/pipeline/pipeline/engine"
)

// Conn opens an in-memory DuckDB (one thread, the pl_* functions
// registered, as engine.Open gives them) and a connection to it, both
// closed when the test ends.
func Conn(t testing.TB) *sql.Conn {
	t.Helper()
	ctx := context.Background()
	db, err := engine.Open(ctx, engine.Settings{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	c, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}
