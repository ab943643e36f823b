package classify

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// statsOf runs the value detectors on each value alone, through the same
// SQL as Table.
func statsOf(t *testing.T, values ...string) []colStats {
	t.Helper()
	db := openDB(t)
	if _, err := db.Exec("CREATE TABLE vals (col VARCHAR, v VARCHAR)"); err != nil {
		t.Fatal(err)
	}
	for i, v := range values {
		if _, err := db.Exec("INSERT INTO vals VALUES (?, ?)", fmt.Sprintf("c%03d", i), v); err != nil {
			t.Fatal(err)
		}
	}
	st, err := detect(context.Background(), db, detectSource{Table: "vals"}, refDate)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]colStats, len(values))
	for i := range values {
		out[i] = st[fmt.Sprintf("c%03d", i)]
	}
	return out
}

func checkDetector(t *testing.T, name string, count func(colStats) int, tests []struct {
	give string
	want bool
}) {
	t.Helper()
	var vals []string
	for _, tt := range tests {
		vals = append(vals, tt.give)
	}
	for i, st := range statsOf(t, vals...) {
		if got := count(st) == 1; got != tests[i].want {
			t.Errorf("%s(%q) = %v, want %v", name, tests[i].give, got, tests[i].want)
		}
	}
}

type flagCase = struct {
	give string
	want bool
}

func TestIBAN(t *testing.T) {
	checkDetector(t, "iban", func(s colStats) int { return s.iban }, []flagCase{
		{"GB82WEST12345698765432", true},
		{"GB82 WEST 1234 5698 7654 32", true},
		{"DE89370400440532013000", true},
		{"FR1420041010050500013M02606", true},
		{"AL47-2121-1009-0000-0002-3569-8741", true},
		{"GB82WEST12345698765433", false}, // check digits off by one
		{"GB83WEST12345698765432", false},
		{"gb82 west 1234", false},
		{"GB82", false},
		{"", false},
	})
}

func TestLuhn(t *testing.T) {
	checkDetector(t, "card", func(s colStats) int { return s.card }, []flagCase{
		{"4111111111111111", true},
		{"4012-8888-8888-1881", true},
		{"4012 8888 8888 1881", true},
		{"371449635398431", true},
		{"122000000000003", true},
		{"4012-8888-8888-1882", false}, // Luhn fails
		{"36168002586008", false},
		{"1748503543012", false}, // a millisecond timestamp
		{"411111111111", false},  // too short
		{"not a card", false},
	})
}

func TestNHS(t *testing.T) {
	checkDetector(t, "nhs", func(s colStats) int { return s.nhs }, []flagCase{
		{"401-023-2137", true},
		{"221 395 1837", true},
		{"0032698674", true},
		{"401-023-2138", false}, // wrong check digit
		{"401 023 213", false},
		{"4010232137x", false},
	})
}

func TestOtherDetectors(t *testing.T) {
	tests := []struct {
		give  string
		count func(colStats) int
		want  int
	}{
		{"ann.lee@acme.co.uk", func(s colStats) int { return s.email }, 1},
		{"info@presidio.", func(s colStats) int { return s.email }, 0},
		{"https://www.linkedin.com/in/ann-lee", func(s colStats) int { return s.profile }, 1},
		{"https://www.linkedin.com/company/acme", func(s colStats) int { return s.profile }, 0},
		{"https://www.linkedin.com/company/acme", func(s colStats) int { return s.companyPage }, 1},
		{"acme.co.uk", func(s colStats) int { return s.url }, 1},
		{"www.microsoft", func(s colStats) int { return s.url }, 0},
		{"AB 12 34 56 C", func(s colStats) int { return s.nino }, 1},
		{"GB 12 34 56 C", func(s colStats) int { return s.nino }, 0},
		{"EC1A 1BB", func(s colStats) int { return s.postcode }, 1},
		{"QA1 1AA", func(s colStats) int { return s.postcode }, 0},
		{"1980-03-04", func(s colStats) int { return s.birthlike }, 1},
		{"2020-03-04", func(s colStats) int { return s.birthlike }, 0}, // a six-year-old
		{"1900-03-04", func(s colStats) int { return s.birthlike }, 0},
		{"+44 20 7946 0018", func(s colStats) int { return s.phone }, 1},
		{"07700 900123", func(s colStats) int { return s.phone }, 1},
		{"45000000", func(s colStats) int { return s.phone }, 0}, // revenue, not a phone
		{"01234567", func(s colStats) int { return s.phone }, 0}, // company number
		{"078-05-1120", func(s colStats) int { return s.ssn }, 1},
		{"000-05-1120", func(s colStats) int { return s.ssn }, 0},
		{"2001:db8::1", func(s colStats) int { return s.ip }, 1},
		{"2001::db8::1", func(s colStats) int { return s.ip }, 0},
		{"Has type 2 diabetes", func(s colStats) int { return s.special }, 1},
		{"Hospital & Health Care", func(s colStats) int { return s.special }, 0},
		{"Religious Institutions", func(s colStats) int { return s.special }, 0},
	}
	var vals []string
	for _, tt := range tests {
		vals = append(vals, tt.give)
	}
	for i, st := range statsOf(t, vals...) {
		if got := tests[i].count(st); got != tests[i].want {
			t.Errorf("value %q: count %d, want %d (%+v)", tests[i].give, got, tests[i].want, st)
		}
	}
}

// TestDateDetection holds detect.sql's prefilters on dates to what they
// spare: a short value with a digit counts as a date exactly when DuckDB's
// date cast or one of the formats parses it (the plain expression, tried on
// every such value), for forms that start or end with something else than
// a digit, white space DuckDB skips, signs and lenient trailers.
func TestDateDetection(t *testing.T) {
	vals := []string{
		"2021-01-01", " 2021-1-1", "-2021-01-01", "+2021-01-01", "2021-01-01@x", "2021-01-01T10:00",
		"2021-01-01 10:00:00", "20210101", "2021", "2021.01.01", "99-01-01", "2021-02-30",
		"01/02/2020", "12/31/2020", "1.2.2020", "2020/12/31", "5 Jan 2020", "5 January 2020",
		"Jan 5, 2020", "January 5, 2020 ", "Sept 5, 2020", "5-Jan-2020", "5\nJan 2020", "1 2 2020x",
		"x1 2 2020", "\v2021-01-01", "2021-01-01\f", "(2021-01-01)", "infinity", "epoch",
		"ann.lee@acme.co.uk", "acme-40.co.uk", "+44 20 7946 0018", "020 7946 0018", "£2021",
		"Q1 2021", "Born 5 Jan 1980", "5 Jan 1980 (approx)", "5 Jan 2020\f", "Jan 5, 2020\v", "\fJan 5, 2020",
	}
	db := openDB(t)
	stats := statsOf(t, vals...)
	for i, v := range vals {
		var want bool
		err := db.QueryRow(`SELECT length($1) <= 32 AND regexp_matches($1, '[0-9]') AND COALESCE(try_cast($1 AS DATE),
			CAST(try_strptime($1, ['%d/%m/%Y', '%m/%d/%Y', '%d-%m-%Y', '%d.%m.%Y', '%Y/%m/%d', '%d %b %Y', '%d %B %Y',
			'%b %d, %Y', '%B %d, %Y', '%d-%b-%Y']) AS DATE)) IS NOT NULL`,
			strings.Trim(v, " \"'\t\n\r")).Scan(&want)
		if err != nil {
			t.Fatal(err)
		}
		if got := stats[i].date == 1; got != want {
			t.Errorf("date(%q) = %v, DuckDB parses it: %v", v, got, want)
		}
	}
}
