package flow

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"testing"

	"github.com/example/pipeline/pipeline/engine"
)

// TestCompaniesOneRowPerDomain runs enrich_companies.sql over two company
// sources: a domain written once passes as it is; of a domain written
// several times (in any form), the earlier source's row wins, then the most
// complete one, then the first by value.
func TestCompaniesOneRowPerDomain(t *testing.T) {
	ctx := context.Background()
	c := memConn(t, 2)
	cols := "domain VARCHAR, name VARCHAR, industry VARCHAR, employees VARCHAR, country VARCHAR, email_pattern VARCHAR, company_type VARCHAR, _source VARCHAR"
	for _, q := range []string{
		"CREATE TEMP TABLE a (" + cols + ")",
		"CREATE TEMP TABLE b (" + cols + ")",
		// unique domains, one in each source
		"INSERT INTO a VALUES ('https://www.Solo.co.uk/about', 'Solo Ltd', NULL, '12', 'gb', NULL, 'Limited Company', 'a')",
		"INSERT INTO b VALUES ('only-b.ie', 'Only B', 'x', NULL, 'IE', NULL, NULL, 'b')",
		// in both sources: a's row wins although b's is more complete
		"INSERT INTO a VALUES ('BOTH.com', 'Both (a)', NULL, NULL, NULL, NULL, NULL, 'a')",
		"INSERT INTO b VALUES ('both.com', 'Both (b)', 'y', '500', 'GB', '{first}', 'plc', 'b')",
		// twice in a: the more complete row wins
		"INSERT INTO a VALUES ('twice.de', 'Twice thin', NULL, NULL, 'DE', NULL, NULL, 'a')",
		"INSERT INTO a VALUES ('http://twice.de/', 'Twice full', NULL, '1,000', 'DE', '{f}{last}', NULL, 'a')",
		// twice in b, equally complete: the first by name
		"INSERT INTO b VALUES ('tie.nl', 'Zeta', NULL, '5', 'NL', NULL, NULL, 'b')",
		"INSERT INTO b VALUES ('www.tie.nl', 'Alpha', NULL, '5', 'NL', NULL, NULL, 'b')",
		// no domain at all: dropped
		"INSERT INTO a VALUES ('not a domain', 'Nowhere', NULL, NULL, NULL, NULL, NULL, 'a')",
	} {
		if _, err := c.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	srcs := []unionSource{{Table: "a"}, {Table: "b"}}
	if err := execScript(ctx, c, "enrich_companies", map[string]any{"Sources": srcs}, nil); err != nil {
		t.Fatal(err)
	}
	rows, err := c.QueryContext(ctx, "SELECT domain, name, employees, company_type, _source FROM companies_n ORDER BY domain")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var domain, name, source string
		var employees sql.NullInt64
		var typ sql.NullString
		if err := rows.Scan(&domain, &name, &employees, &typ, &source); err != nil {
			t.Fatal(err)
		}
		got = append(got, strings.Join([]string{domain, name, nullInt(employees), typ.String, source}, "|"))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"both.com|Both (a)|||a",
		"only-b.ie|Only B|||b",
		"solo.co.uk|Solo Ltd|12|limited_company|a",
		"tie.nl|Alpha|5||b",
		"twice.de|Twice full|1000||a",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("companies_n:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func nullInt(n sql.NullInt64) string {
	if !n.Valid {
		return ""
	}
	return strconv.FormatInt(n.Int64, 10)
}

// memConn opens an in-memory database with the pl_* functions and returns
// one connection; both are closed when the test ends.
func memConn(t *testing.T, threads int) *sql.Conn {
	t.Helper()
	db, err := engine.Open(context.Background(), engine.Settings{Threads: threads})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	c, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// TestPeopleDomainsUntrimmed: enrich_people.sql maps every person to the
// company domain the trimmed form gave (the trimmed company domain or,
// when that is blank, the trimmed email's domain; normalised), over
// blank, padded, Unicode-spaced and missing company domains and emails;
// and every job title as trim() left it.
func TestPeopleDomainsUntrimmed(t *testing.T) {
	ctx := context.Background()
	c := memConn(t, 2)
	domains := []string{"", " ", "  ", "\u00a0", "\u3000", "\t", "\u200b", "acme.com", " acme.com", "acme.com ",
		"\u00a0acme.com\u00a0", "ACME.COM\t", "https://www.acme.com/about", "  https://globex.com  ", "globex.com\u200b",
		"é.fr", "not a domain", "initech.io", " initech.io\u3000"}
	emails := []string{"", " ", "jo@acme.com", " jo@acme.com ", "jo@globex.com\u00a0", "jo@ ", "jo@", "nobody",
		"\u00a0jo@initech.io", "jo@b@acme.com", "jo@initech.io \t"}
	if _, err := c.ExecContext(ctx, "CREATE TEMP TABLE p (id BIGINT, company_domain VARCHAR, email VARCHAR, job_title VARCHAR)"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ExecContext(ctx, "CREATE TEMP TABLE target_companies AS SELECT * FROM (VALUES ('acme.com'), ('globex.com'), ('initech.io')) v(domain)"); err != nil {
		t.Fatal(err)
	}
	titles := []any{"CFO", " CFO ", "CFO\u00a0", "\u3000CFO", "", " ", "\u00a0", nil, "Head of Finance ", "Café owner",
		"\tCFO", "CFO\u200b", "Directeur financier\u2003"}
	id := 0
	add := func(cd, email any) {
		id++
		if _, err := c.ExecContext(ctx, "INSERT INTO p VALUES (?, ?, ?, ?)", id, cd, email, titles[id%len(titles)]); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range append(domains, "") {
		for _, e := range emails {
			add(d, e)
		}
		add(d, nil)
	}
	for _, e := range emails {
		add(nil, e)
	}
	add(nil, nil)
	src := []unionSource{{Table: "p"}} // read by rowid
	if err := execScript(ctx, c, "enrich_people", map[string]any{"Sources": src}, nil); err != nil {
		t.Fatal(err)
	}
	// the trimmed form, row by row
	const want = `SELECT rowid AS _src_rowid, pl_domain(coalesce(nullif(trim(company_domain), ''), split_part(trim(email), '@', 2))) AS d,
		nullif(trim(job_title), '') AS t
		FROM p WHERE d IN (SELECT domain FROM target_companies)`
	const got = "SELECT _src_rowid, company_domain, job_title FROM people_n"
	var diff, kept int
	q := "SELECT count(*) FROM ((" + got + " EXCEPT ALL (" + want + ")) UNION ALL ((" + want + ") EXCEPT ALL " + got + "))"
	if err := c.QueryRowContext(ctx, q).Scan(&diff); err != nil {
		t.Fatal(err)
	}
	if err := c.QueryRowContext(ctx, "SELECT count(*) FROM people_n WHERE job_title = 'CFO'").Scan(&kept); err != nil {
		t.Fatal(err)
	}
	if diff != 0 {
		t.Errorf("%d rows of people_n differ from the trimmed form's", diff)
	}
	if kept < 10 {
		t.Errorf("only %d people at target companies: the cases do not exercise the mapping", kept)
	}
}
