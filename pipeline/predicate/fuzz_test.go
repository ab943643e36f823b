package predicate

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/example/pipeline/pipeline/engine"
)

// FuzzCheck: Check never fails on its own account, and a predicate it
// accepts, run as the pipeline runs it (enrich_targets.sql) on a
// sandboxed connection, never reaches the file system (no Permission
// Error) and creates nothing but target_companies. The seeds run with
// `go test`; `go test -fuzz FuzzCheck` explores further.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{
		"country IN ('GB','IE') AND employees >= 50",
		"lower(industry) LIKE 'fin%' OR name ILIKE '%bank%'",
		"CASE WHEN employees::INT > 10 THEN true ELSE false END",
		`EXISTS (TABLE "/etc/passwd")`,
		"(VALUES (1)) = 1",
		`CAST((PIVOT (UNPIVOT "people.csv" ON COLUMNS(*)) ON name) AS INTEGER) = 1`,
		"length(read_text('/etc/passwd')) > 0",
		"employees IN (FROM read_csv('/etc/passwd'))",
		"1=1) UNION SELECT * FROM read_csv('/etc/passwd') WHERE (1=1",
		"getenv('HOME') = ''",
		"x = $1",
		"name = 'it''s' -- )",
		"regexp_matches(domain, '[')",
	} {
		f.Add(s)
	}
	ctx := context.Background()
	db, err := engine.Open(ctx, engine.Settings{Threads: 1})
	if err != nil {
		f.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	c, err := db.DB.Conn(ctx)
	if err != nil {
		f.Fatal(err)
	}
	defer c.Close()
	if _, err := c.ExecContext(ctx, `CREATE TEMP TABLE companies_n (domain VARCHAR, name VARCHAR, industry VARCHAR,
		employees VARCHAR, country VARCHAR, email_pattern VARCHAR, company_type VARCHAR)`); err != nil {
		f.Fatal(err)
	}
	if err := engine.Sandbox(ctx, c, nil); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, expr string) {
		checked, probs, err := Allowed(ctx, c, expr)
		if err != nil {
			t.Fatalf("Check(%q): %v", expr, err)
		}
		if len(probs) > 0 {
			for _, p := range probs {
				if p.Offset < 0 || p.Offset > len(expr) || p.Msg == "" {
					t.Fatalf("Check(%q): bad problem %+v", expr, p)
				}
			}
			return
		}
		q := engine.MustRender("enrich_targets", map[string]any{"Predicate": checked})
		_, err = c.ExecContext(ctx, q)
		var de *duckdb.Error
		if errors.As(err, &de) && de.Type == duckdb.ErrorTypePermission {
			t.Fatalf("accepted %q reached the file system: %v", expr, err)
		}
		var n int
		if err := c.QueryRowContext(ctx, "SELECT count(*) FROM duckdb_tables() WHERE table_name NOT IN ('companies_n', 'target_companies')").Scan(&n); err != nil || n != 0 {
			t.Fatalf("accepted %q created tables (%d, %v)", expr, n, err)
		}
		if strings.Contains(strings.ToUpper(expr), "READ_") && err == nil {
			t.Logf("accepted %q mentions read_ (in a literal or name)", expr)
		}
	})
}
