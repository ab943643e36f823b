package rights

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/engine"
	"github.com/example/pipeline/pipeline/normalize"
)

// awkwardNoEmail are people lines without an email (first, last, phone),
// added to the fixtures' vendor file by TestHopNameSubsKeepEveryRow.
var awkwardNoEmail = [][3]string{{"Zoë", "Miller", "020 7946 0301"}, {"ZOE", "MILLER", "020 7946 0302"}, {"Zoe", "Miller", "020 7946 0303"},
	{"Miller", "Zoë", "020 7946 0304"}, {"Zoë Miller", "", "020 7946 0305"}, {"", "Zoë Miller", "020 7946 0306"},
	{"  zoe ", " miller,", "020 7946 0307"}, {"Zoe,Miller", "", "020 7946 0308"}, {"Jean-Luc", "O'Brien", "020 7946 0309"},
	{"JeanLuc", "OBrien", "020 7946 0310"}, {"jean-luc", "o'brien", "020 7946 0311"}, {"Ann Marie", "Smith", "020 7946 0312"},
	{"Smith", "Ann Marie", "020 7946 0313"}, {"AnnMarie", "Smith", "020 7946 0314"}, {"Ångström", "Ørsted", "020 7946 0315"},
	{"Angstrom", "Orsted", "020 7946 0316"}, {"Mary (Molly)", "Smith", "020 7946 0317"}, {"A.B.", "C++", "020 7946 0318"},
	{"ŁUKASZ", "ẞTRAUSS", "020 7946 0319"}, {"łukasz", "strauss", "020 7946 0320"}, {"J0e", "Bl0ggs", "020 7946 0321"}}

// TestHopNameSubsKeepEveryRow: the stage files each row without an email
// under the sub-bucket of its names (sql/name_sub.sql), and the hop's pass
// over those rows reads only the subject's names' sub-buckets
// (readNameSubs): for every such row of a real run as the subject, through
// its phone and names, through its derived email, and both, the pass
// finds exactly the rows it finds reading them all; and it does skip
// rows (the sub-buckets are not all read).
func TestHopNameSubsKeepEveryRow(t *testing.T) {
	cfg := awkwardRun(t)
	c, _ := openFixture(t, cfg)
	ctx := context.Background()
	tables, err := catalogTables(ctx, c, cfg)
	if err != nil {
		t.Fatal(err)
	}
	searched, found, skipped := 0, 0, 0
	for _, m := range tables {
		if m.Raw == nil || m.Raw.Buckets < 1 || m.Raw.Keyed() {
			continue
		}
		rows, err := c.QueryContext(ctx, `SELECT first_name, last_name, phone, company_domain FROM `+engine.Quote(m.Table)+` WHERE _bucket IS NULL`)
		if err != nil {
			t.Fatal(err)
		}
		var people [][4]*string
		for rows.Next() {
			var p [4]*string
			if err := rows.Scan(&p[0], &p[1], &p[2], &p[3]); err != nil {
				t.Fatal(err)
			}
			people = append(people, p)
		}
		rows.Close()
		for _, p := range people {
			first, last, phone, domain := deref(p[0]), deref(p[1]), deref(p[2]), deref(p[3])
			d, ok := normalize.Domain(domain)
			if !ok {
				continue
			}
			for _, mode := range []string{"hop", "derived", "both"} {
				f := &Findings{Country: "GB"}
				f.Subject, _ = NewSubject("someone@"+d, "", "", "")
				if mode != "derived" {
					e164, ok := normalizePhone(phone, "GB")
					if !ok {
						continue
					}
					f.Names, f.hopPhones = nameKeys(t, c, strings.TrimSpace(first+" "+last)), []string{e164}
				}
				if mode != "hop" {
					if first == "" {
						continue
					}
					f.derivedFirst, f.derivedLast = first, last
				}
				if err := f.readNameSubs(ctx, c); err != nil {
					t.Fatal(err)
				}
				d := f.predicateData(m)
				d.HopOnly = true
				if some, err := f.narrowToBuckets(&d); err != nil || !some {
					t.Fatalf("%s: no rows without a bucket (%v)", m.Table, err)
				}
				if d.NameSubs = f.nameSubsFor(d); d.NameSubs == nil {
					t.Fatalf("%s %s %q %q: the hop's pass reads every sub-bucket", m.Table, mode, first, last)
				}
				with := hopRows(t, c, d, f.params())
				d.NameSubs = nil
				without := hopRows(t, c, d, f.params())
				if without != "" {
					found++
				}
				if with != without {
					t.Errorf("%s %s %q %q: with the sub-buckets %q, reading all %q", m.Table, mode, first, last, with, without)
				}
				searched++
				var all, read int
				if err := c.QueryRowContext(ctx, `SELECT count(*), count(*) FILTER (WHERE list_contains(CAST(string_split($1, ',') AS INTEGER[]), _email_sub)) FROM `+engine.Quote(m.Table)+` WHERE _bucket IS NULL`,
					strings.Trim(strings.ReplaceAll(fmt.Sprint(f.nameSubs), " ", ","), "[]")).Scan(&all, &read); err != nil {
					t.Fatal(err)
				}
				skipped += all - read
			}
		}
	}
	t.Logf("%d searches found %d times, %d rows skipped", searched, found, skipped)
	if found < 2*len(awkwardNoEmail) || skipped == 0 {
		t.Errorf("%d searches found %d times, %d rows skipped in all", searched, found, skipped)
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// awkwardRun is fixtureRun's run with awkwardNoEmail added to the vendor
// file, in a folder of the test's own.
func awkwardRun(t *testing.T) *config.Config {
	t.Helper()
	dir := t.TempDir()
	if err := runFixturesWith(dir, func(fixtures string) error {
		f, err := os.OpenFile(filepath.Join(fixtures, "people.csv"), os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			return err
		}
		defer f.Close()
		for _, p := range awkwardNoEmail {
			if _, err := fmt.Fprintf(f, "%q,%q,,Finance Director,brightwater-logistics.co.uk,%s,,GB,\n", p[0], p[1], p[2]); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(filepath.Join(dir, "pipeline.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}
