package rights

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/example/pipeline/pipeline/engine"
	"github.com/example/pipeline/pipeline/warehouse"
)

// TestKeyedTablesInvariant holds the fixtures' run to the contract the
// keyed search relies on (keyed.go): in prospects and deliverable every
// row has a subject_key, and every row whose email normalises is keyed by
// that normalised email; and the catalog gives both tables the one email
// and subject_key column the guard needs, so it is in force.
func TestKeyedTablesInvariant(t *testing.T) {
	cfg := fixtureRun(t)
	c, _ := openFixture(t, cfg)
	ctx := context.Background()
	tables, err := catalogTables(ctx, c, cfg)
	if err != nil {
		t.Fatal(err)
	}
	guarded := map[string]bool{}
	for _, m := range tables {
		if keyedColumn(m, fxKey) != "" {
			guarded[m.Table] = true
		}
	}
	for table := range keyedTables {
		if !guarded[table] {
			t.Errorf("%s: the catalog does not give it one email and one subject_key column: the keyed search is off", table)
		}
		var rows, bad int64
		if err := c.QueryRowContext(ctx, `SELECT count(*), count(*) FILTER (WHERE subject_key IS NULL
			OR (pl_email(email) IS NOT NULL AND subject_key IS DISTINCT FROM sha256(pl_email(email))))
			FROM `+engine.Quote(table)).Scan(&rows, &bad); err != nil {
			t.Fatal(err)
		}
		if rows == 0 || bad != 0 {
			t.Errorf("%s: %d rows, %d not keyed by their normalised email", table, rows, bad)
		}
	}
}

// TestKeyedInvariantNormalisation checks, over random addresses with
// awkward case and Unicode, the two properties of pl_email the keyed
// contract rests on: it is idempotent (a normalised email is keyed by
// itself), and an address that does not normalise does not normalise once
// lower-cased by DuckDB either (prospects keeps such an address
// lower-cased, keyed by that text, which then matches no subject's email).
func TestKeyedInvariantNormalisation(t *testing.T) {
	cfg := fixtureRun(t)
	c, _ := openFixture(t, cfg)
	ctx := context.Background()
	r := rand.New(rand.NewPCG(7, 24))
	parts := []string{"a", "B", "z", "Z", "0", "9", ".", "..", "-", "_", "+", "@", "@", " ", "İ", "ı", "K", "Å", "ẞ", "ß", "Σ", "ς",
		"Ö", "ö", "É", "ﬁ", "Ⅻ", "ǅ", "xn--", "com", "CO.UK", "<", ">", "mailto:", "\u00a0", "\u200b", "é", "e\u0301"}
	var addrs []string
	for range 4000 {
		var b strings.Builder
		for range 2 + r.IntN(9) {
			b.WriteString(parts[r.IntN(len(parts))])
		}
		if r.IntN(2) == 0 {
			b.WriteString("@Example.COM")
		}
		addrs = append(addrs, b.String())
	}
	var idem, valid, caseOnly int64
	if err := c.QueryRowContext(ctx, `SELECT count(*) FILTER (WHERE pl_email(a) IS NOT NULL),
		count(*) FILTER (WHERE pl_email(a) IS NOT NULL AND pl_email(pl_email(a)) IS DISTINCT FROM pl_email(a)),
		count(*) FILTER (WHERE pl_email(a) IS NULL AND pl_email(lower(a)) IS NOT NULL)
		FROM (SELECT unnest(CAST($1 AS VARCHAR[])) AS a)`, addrs).Scan(&valid, &idem, &caseOnly); err != nil {
		t.Fatal(err)
	}
	if valid < 100 {
		t.Fatalf("only %d of the random addresses normalise: the test proves little", valid)
	}
	if idem != 0 || caseOnly != 0 {
		t.Errorf("pl_email not idempotent on %d addresses; %d addresses normalise only once lower-cased", idem, caseOnly)
	}
}

// TestKeyedSearchFiltersByKey: the search of a keyed table hands DuckDB's
// scan the subject_key equality (a table filter, which skips row groups by
// their min/max), and still finds the subject's row; a raw table's search
// has no such filter.
func TestKeyedSearchFiltersByKey(t *testing.T) {
	cfg := fixtureRun(t)
	c, _ := openFixture(t, cfg)
	ctx := context.Background()
	tables, err := catalogTables(ctx, c, cfg)
	if err != nil {
		t.Fatal(err)
	}
	f := &Findings{Subject: fxSubject(t), Country: "GB"}
	seen := 0
	for _, m := range tables {
		d := f.predicateData(m)
		q, err := render("sar_match", d)
		if err != nil {
			t.Fatal(err)
		}
		var plan string
		if err := c.QueryRowContext(ctx, "EXPLAIN (FORMAT json) "+q, f.params().Args()...).Scan(new(string), &plan); err != nil {
			t.Fatal(err)
		}
		scanFilter := scanFilters(t, plan, "subject_key='"+fxKey+"'")
		if keyedTables[m.Table] != scanFilter {
			t.Errorf("%s: the scan filters on subject_key: %v, want %v\n%s", m.Table, scanFilter, keyedTables[m.Table], plan)
		}
		if !keyedTables[m.Table] {
			continue
		}
		seen++
		found, _, err := searchTable(ctx, c, d, f.params())
		if err != nil || len(found) != 1 {
			t.Errorf("%s: the keyed search found %d rows of the subject (%v), want 1", m.Table, len(found), err)
		}
	}
	if seen != len(keyedTables) {
		t.Errorf("searched %d keyed tables, want %d", seen, len(keyedTables))
	}
}

// scanFilters reports whether a JSON plan (EXPLAIN (FORMAT json)) has a
// table scan whose pushed-down filters include want.
func scanFilters(t *testing.T, plan, want string) bool {
	t.Helper()
	var nodes []map[string]any
	if err := json.Unmarshal([]byte(plan), &nodes); err != nil {
		t.Fatalf("plan: %v\n%s", err, plan)
	}
	var walk func(n map[string]any) bool
	walk = func(n map[string]any) bool {
		if extra, ok := n["extra_info"].(map[string]any); ok && strings.Contains(fmt.Sprint(extra["Filters"]), want) {
			return true
		}
		children, _ := n["children"].([]any)
		for _, ch := range children {
			if m, ok := ch.(map[string]any); ok && walk(m) {
				return true
			}
		}
		return false
	}
	for _, n := range nodes {
		if walk(n) {
			return true
		}
	}
	return false
}

// TestSeenInBuckets: a run writes each subject_seen row into the folder
// of its subject_key's bucket (warehouse.SeenBucket, sql/seen_write.sql),
// so that a subject's lookup reads one bucket's file.
func TestSeenInBuckets(t *testing.T) {
	cfg := fixtureRun(t)
	c, _ := openFixture(t, cfg)
	var rows, misplaced, view int64
	glob := filepath.Join(warehouse.RawRoot(cfg.Warehouse), warehouse.SeenTable, "*", "*", "*.parquet")
	if err := c.QueryRowContext(context.Background(), `SELECT count(*), count(*) FILTER (WHERE NOT contains(filename, '/_bucket=' || left(subject_key, 1) || '/')),
		(SELECT count(*) FROM subject_seen) FROM read_parquet($1, filename = true, hive_partitioning = false)`, glob).Scan(&rows, &misplaced, &view); err != nil {
		t.Fatal(err)
	}
	if rows < 20 || misplaced != 0 || view != rows {
		t.Errorf("subject_seen: %d rows in its files (%d in the view), %d outside their bucket's folder", rows, view, misplaced)
	}
}
