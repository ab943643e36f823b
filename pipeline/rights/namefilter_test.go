package rights

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/example/pipeline/pipeline/engine"
	"github.com/example/pipeline/pipeline/engine/enginetest"
	"github.com/example/pipeline/pipeline/normalize"
)

// TestNameFilterKeepsEveryHopRow: the hop's pass (sql/sar_match.sql with
// .NameFilter) returns exactly the rows it returns without the filter,
// through phones and names, through the derived email, and through both,
// for every subject name drawn from awkward name columns; and the filter
// does drop rows of other names (it is not a no-op).
func TestNameFilterKeepsEveryHopRow(t *testing.T) {
	ctx, c := context.Background(), enginetest.Conn(t)
	names := [][2]any{{"Zoë", "Miller"}, {"ZOE", "MILLER"}, {"Zoe", "Miller"}, {"Miller", "Zoë"}, {"Zoë Miller", nil}, {nil, "Zoë Miller"},
		{"  zoë ", " miller,"}, {"Zoë,Miller", ""}, {",", "Zoë Miller"}, {"Jean-Luc", "O'Brien"}, {"jean-luc", "o'brien"},
		{"JeanLuc", "OBrien"}, {"Jean-Luc\tO'Brien", " "}, {"Ann Marie", "Smith"}, {"Smith", "Ann Marie"}, {"Ann", "Marie Smith"},
		{"AnnMarie", "Smith"}, {"Ångström", "Ørsted"}, {"Angstrom", "Orsted"}, {"Mary (Molly)", "Smith"}, {"A.B.", "C++"},
		{"Ann", "Smyth"}, {"Joe", "Bloggs"}, {"J0e", "Bl0ggs"}}
	if _, err := c.ExecContext(ctx, `CREATE TABLE raw_t (first_name VARCHAR, last_name VARCHAR, phone VARCHAR, email VARCHAR, company_domain VARCHAR)`); err != nil {
		t.Fatal(err)
	}
	for i, n := range names {
		domain := []string{"example.com", "https://www.Example.COM/", "EXAMPLE.com"}[i%3]
		if _, err := c.ExecContext(ctx, `INSERT INTO raw_t VALUES ($1, $2, '020 7946 0018', NULL, $3)`, n[0], n[1], domain); err != nil {
			t.Fatal(err)
		}
	}
	m := matchCols{Table: "raw_t", Email: []string{"email"}, Phone: []string{"phone"}, Name: []string{"first_name", "last_name"},
		columns: map[string]bool{"first_name": true, "last_name": true, "phone": true, "email": true, "company_domain": true}}
	found, filtered := map[string]int{}, map[string]int{}
	for _, n := range names {
		var parts []string
		for _, v := range n {
			if s, ok := v.(string); ok {
				parts = append(parts, s)
			}
		}
		first, _ := n[0].(string)
		last, _ := n[1].(string)
		for _, mode := range []string{"hop", "derived", "both"} {
			f := &Findings{Country: "GB"}
			f.Subject, _ = NewSubject("someone@example.com", "", "", "")
			if mode != "derived" {
				f.Names, f.hopPhones = nameKeys(t, c, strings.Join(parts, " ")), []string{"+442079460018"}
			}
			if mode != "hop" {
				f.derivedFirst, f.derivedLast = first, last
				if first == "" {
					continue
				}
			}
			d := f.predicateData(m)
			d.From, d.HopOnly = engine.Scan{Table: "raw_t"}, true
			without := hopRows(t, c, d, f.params())
			d.NameFilter = f.nameFilters(d)
			if mode == "hop" && len(d.NameFilter) != 2 || mode != "hop" && normalize.IsASCII(first+last) && len(d.NameFilter) != 2 {
				t.Fatalf("%s %q: name filter %v", mode, n, d.NameFilter)
			}
			with := hopRows(t, c, d, f.params())
			if with != without {
				t.Errorf("%s %q: with the name filter %s, without %s", mode, n, with, without)
			}
			if without != "" {
				found[mode]++
			}
			if len(d.NameFilter) > 0 {
				q, err := render("sar_match", d)
				if err != nil || !strings.Contains(q, "regexp_matches(CAST(\"last_name\" AS VARCHAR), $name_filter_") {
					t.Fatalf("sar_match.sql without the name filter: %v\n%s", err, q)
				}
				var kept int
				p := f.params()
				if err := c.QueryRowContext(ctx, `SELECT count(*) FROM raw_t WHERE coalesce(regexp_matches(first_name, $1), TRUE) AND coalesce(regexp_matches(last_name, $2), TRUE)`,
					p[d.NameFilter[0].Param], p[d.NameFilter[1].Param]).Scan(&kept); err != nil {
					t.Fatal(err)
				}
				filtered[mode] += len(names) - kept
			}
		}
	}
	for _, mode := range []string{"hop", "derived", "both"} {
		if found[mode] < len(names)/2 || filtered[mode] == 0 {
			t.Errorf("%s: %d names found a row, the filter dropped %d rows in all", mode, found[mode], filtered[mode])
		}
	}
	if got := nameFilter([]string{"miller zoë", "a.b. c++"}, ""); got != `(?i)a\.b\.|c\+\+|miller|zoë|[^\x00-\x7F]|^[\s,]*$` {
		t.Errorf("nameFilter = %s", got)
	}
	if got := derivedLetters("O'Brien"); got != `^[^a-z]*o[^a-z]*b[^a-z]*r[^a-z]*i[^a-z]*e[^a-z]*n[^a-z]*$` {
		t.Errorf("derivedLetters = %s", got)
	}
	if regexp.MustCompile(nameFilter([]string{"miller zoë"}, "")).MatchString("Smith") {
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

// nameKeys are the name keys of texts as a search computes them
// (readNameKeys).
func nameKeys(t *testing.T, c *sql.Conn, texts ...string) []string {
	t.Helper()
	keys, err := readNameKeys(context.Background(), c, texts)
	if err != nil {
		t.Fatal(err)
	}
	return keys
}
