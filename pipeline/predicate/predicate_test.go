package predicate

import (
	"context"
	"strings"
	"testing"

	"github.com/example/pipeline/pipeline/engine"
)

// TestCheck: every attack of issue 19 item 2 is refused at its position;
// ordinary predicates pass.
func TestCheck(t *testing.T) {
	tests := []struct {
		give    string
		want    string // substring of the first problem; "" = accepted
		wantOff int    // byte offset of the first problem (when want != "")
	}{
		{"country IN ('GB','IE') AND employees >= 50", "", 0},
		{"name ILIKE '%select%' OR name = 'it''s; -- /* fine'", "", 0},
		{`"from" = 1 AND "select count" > 2`, "", 0},
		{"lower(industry) = 'fintech' AND employees BETWEEN 50 AND 5000", "", 0},
		{"CASE WHEN employees > 10 THEN country ELSE 'x' END = 'GB' AND NOT domain IS NULL", "", 0},
		{"TRY_CAST(employees AS INTEGER) >= 50 AND coalesce(country, '') <> '' AND name COLLATE nocase = 'a'", "", 0},
		{"regexp_matches(domain, '\\.co\\.uk$') AND employees::INT + 1 > 2", "", 0},
		{"employees >= 50 -- a comment", "", 0},
		{`EXISTS (TABLE "/any/file.csv")`, "subquery", 0},
		{"(VALUES (1)) = 1", "subquery", 0},
		{`employees >= (SELECT 50)`, "subquery", 13},
		{`CAST((PIVOT (UNPIVOT "people_crm.csv" ON COLUMNS(*)) ON name) AS INTEGER) = 1`, "PIVOT", 0},
		{"employees IN (FROM read_csv('/etc/passwd'))", "subquery", 10},
		{"(DESCRIBE companies_n) IS NULL", "subquery", 0},
		{"(SUMMARIZE companies_n) IS NULL", "subquery", 0},
		{"domain IN (SELECT domain FROM t)", "subquery", 7},
		{"length(read_text('/etc/passwd')) > 0", `function "read_text" is not allowed`, 7},
		{"getenv('HOME') = 'x'", `function "getenv" is not allowed`, 0},
		{"my_macro(domain)", `function "my_macro" is not allowed`, 0},
		{"main.lower(domain) = 'x'", "", 0},
		{"other.lower(domain) = 'x'", "schema or catalog", 0},
		{"count(*) > 1", `function "count_star" is not allowed`, 0},
		{"row_number() OVER () = 1", "window", 0},
		{"list_contains(list_transform([1], x -> x + 1), 2)", `function "list_transform" is not allowed`, 14},
		{"list_contains([1, 2], employees)", "", 0},
		{"employees = $1", "parameter", 10},
		{"employees = ?", "parameter", 10},
		{`"companies_n"."domain" = 'x'`, "without a table", 0},
		{"1=1; DROP TABLE x", "does not parse", 3},
		{"1=1) UNION SELECT * FROM t WHERE (1=1", "UNION", 0},
		{"1=1) GROUP BY domain HAVING (1=1", "GROUP BY", 0},
		{"1=1) ORDER BY (1", "GROUP BY", 0},
		{"name = 'open", "does not parse", 7},
		{"employees >= ", "does not parse", 13},
		{"a = 'x\x00'", "control character", 6},
		{"   ", "empty", 0},
	}
	ctx := context.Background()
	for _, tt := range tests {
		probs, err := CheckAlone(ctx, tt.give)
		if err != nil {
			t.Fatalf("%q: %v", tt.give, err)
		}
		switch {
		case tt.want == "" && len(probs) > 0:
			t.Errorf("%q: refused: %v", tt.give, probs)
		case tt.want != "" && len(probs) == 0:
			t.Errorf("%q: accepted, want %q", tt.give, tt.want)
		case tt.want != "" && (!strings.Contains(probs[0].Msg, tt.want) || probs[0].Offset != tt.wantOff):
			t.Errorf("%q: got %+v, want %q at offset %d", tt.give, probs, tt.want, tt.wantOff)
		}
	}
}

// TestAllowedExpr: only a predicate Check accepts becomes an Expr, and the
// template that splices it takes nothing else (a string is refused).
func TestAllowedExpr(t *testing.T) {
	ctx := context.Background()
	db, err := engine.Open(ctx, engine.Settings{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, tc := range []struct {
		expr string
		ok   bool
	}{
		{"country = 'GB'", true},
		{"true); DROP TABLE companies_n; --", false},
		{"read_csv('/etc/passwd') IS NOT NULL", false},
	} {
		e, probs, err := Allowed(ctx, db, tc.expr)
		if err != nil {
			t.Fatal(err)
		}
		if got := e.SQL() == tc.expr && len(probs) == 0; got != tc.ok {
			t.Errorf("Allowed(%q) = %q, %v", tc.expr, e.SQL(), probs)
		}
		if !tc.ok && e.SQL() != "" {
			t.Errorf("Allowed(%q) returned an expression", tc.expr)
		}
	}
	if _, err := engine.Render("enrich_targets", map[string]any{"Predicate": "true"}); err == nil {
		t.Error("enrich_targets took a string predicate")
	}
}
