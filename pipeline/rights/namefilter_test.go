package rights

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/example/pipeline/pipeline/engine"
)

// TestNameFilterKeepsEveryHopRow: the hop's pass (sql/sar_match.sql with
// .NameFilter) returns exactly the rows it returns without the filter,
// for every subject name drawn from awkward name columns; and the filter
// does drop rows of other names (it is not a no-op).
func TestNameFilterKeepsEveryHopRow(t *testing.T) {
	ctx := context.Background()
	db, err := engine.Open(ctx, engine.Settings{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	names := [][2]any{{"Zoë", "Miller"}, {"ZOE", "MILLER"}, {"Miller", "Zoë"}, {"Zoë Miller", nil}, {nil, "Zoë Miller"},
		{"  zoë ", " miller,"}, {"Zoë,Miller", ""}, {",", "Zoë Miller"}, {"Jean-Luc", "O'Brien"}, {"jean-luc", "o'brien"},
		{"Jean-Luc\tO'Brien", " "}, {"Ann Marie", "Smith"}, {"Smith", "Ann Marie"}, {"Ann", "Marie Smith"},
		{"Ångström", "Ørsted"}, {"Mary (Molly)", "Smith"}, {"A.B.", "C++"}, {"Ann", "Smyth"}, {"Joe", "Bloggs"}}
	if _, err := c.ExecContext(ctx, `CREATE TABLE t (first_name VARCHAR, last_name VARCHAR, phone VARCHAR, email VARCHAR)`); err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if _, err := c.ExecContext(ctx, `INSERT INTO t VALUES ($1, $2, '020 7946 0018', NULL)`, n[0], n[1]); err != nil {
			t.Fatal(err)
		}
	}
	m := matchCols{Table: "t", Email: []string{"email"}, Phone: []string{"phone"}, Name: []string{"first_name", "last_name"}}
	dropped, found := 0, 0
	for _, n := range names {
		var parts []string
		for _, v := range n {
			if s, ok := v.(string); ok {
				parts = append(parts, s)
			}
		}
		f := &Findings{Names: []string{NameKey(strings.Join(parts, " "))}, hopPhones: []string{"+442079460018"}, Country: "GB"}
		f.Subject, _ = NewSubject("someone@example.com", "", "", "")
		d := f.predicateData(m)
		d.From, d.HopOnly = engine.Scan{Table: "t"}, true
		without := hopRows(t, c, d, f.params())
		d.NameFilter = nameFilterColumns(d)
		if len(d.NameFilter) != 2 {
			t.Fatalf("name filter columns %v", d.NameFilter)
		}
		with := hopRows(t, c, d, f.params())
		found += strings.Count(without, ",") + 1
		if without == "" {
			found--
		}
		if with != without {
			t.Errorf("names %q: with the name filter %s, without %s", f.Names, with, without)
		}
		q, err := render("sar_match", d)
		if err != nil || !strings.Contains(q, `regexp_matches(CAST("last_name" AS VARCHAR), $name_filter_re)`) {
			t.Fatalf("sar_match.sql without the name filter: %v\n%s", err, q)
		}
		var kept int
		if err := c.QueryRowContext(ctx, `SELECT count(*) FROM t WHERE coalesce(regexp_matches(first_name, $1), TRUE) AND coalesce(regexp_matches(last_name, $1), TRUE)`,
			nameFilter(f.Names)).Scan(&kept); err != nil {
			t.Fatal(err)
		}
		dropped += len(names) - kept
	}
	if found < len(names) {
		t.Errorf("the hop found %d rows for %d names: each name finds at least its own row", found, len(names))
	}
	if dropped == 0 {
		t.Error("the name filter kept every row for every name")
	}
	if got := nameFilter([]string{"miller zoë", "a.b. c++"}); got != `(?i)a\.b\.|c\+\+|miller|zoë|[^\x00-\x7F]|^[\s,]*$` {
		t.Errorf("nameFilter = %s", got)
	}
	if regexp.MustCompile(nameFilter([]string{"miller zoë"})).MatchString("Smith") {
		t.Error("nameFilter matches another name")
	}
}

// hopRows runs sar_match.sql over d and lists the row ids found.
func hopRows(t *testing.T, c *sql.Conn, d matchCols, p params) string {
	t.Helper()
	rows, _, err := queryRowsT(context.Background(), c, "sar_match", d, p)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range rows {
		ids = append(ids, fmt.Sprint(r[rowIDColumn]))
	}
	return strings.Join(ids, ",")
}
