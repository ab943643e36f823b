package engine

import (
	"context"
	"testing"
)

// TestFunctionsInParallel runs the pl_* functions over several row groups
// with two threads, so that DuckDB calls each from two threads at once:
// `go test -race` (make test runs this package with it) sees any state
// they or duckdb-go's chunk path share. pl_domain of an email is its domain.
func TestFunctionsInParallel(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, Settings{Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.ExecContext(ctx, `CREATE TEMP TABLE v AS SELECT 'Person.' || i || '@Example.com' AS e, '020 7946 ' || lpad(CAST(i % 10000 AS VARCHAR), 4, '0') AS p FROM range(400000) t(i)`); err != nil {
		t.Fatal(err)
	}
	if err := db.SetErasedEmails([]string{"0000000000000000000000000000000000000000000000000000000000000000"}); err != nil {
		t.Fatal(err)
	}
	var emails, domains, erased int64
	if err := c.QueryRowContext(ctx, `SELECT count(pl_email(e)), count(pl_domain(e)), count(pl_erased_email(e)) FROM v`).Scan(&emails, &domains, &erased); err != nil {
		t.Fatal(err)
	}
	if emails != 400000 || domains != 400000 || erased != 0 {
		t.Errorf("pl_email %d, pl_domain %d, pl_erased_email %d non-NULL of 400000", emails, domains, erased)
	}
}
