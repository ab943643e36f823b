package classify

// The evaluation: precision and recall of the name rules on other projects'
// column names, of the value detectors on Presidio's recognizer cases, and
// of the whole Table path on a labelled B2B set. It runs in every `go test`
// and fails when quality drops below the floors; `go test -v -run Eval`
// prints the tables.

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/example/pipeline/pipeline/engine"
)

// tally accumulates a confusion count per label.
type tally struct{ tp, fp, fn map[string]int }

func newTally() *tally {
	return &tally{tp: map[string]int{}, fp: map[string]int{}, fn: map[string]int{}}
}

func (t *tally) add(want, got string) {
	if want == got {
		t.tp[want]++
		return
	}
	t.fn[want]++
	t.fp[got]++
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

func (t *tally) precision(l string) float64 { return ratio(t.tp[l], t.tp[l]+t.fp[l]) }
func (t *tally) recall(l string) float64    { return ratio(t.tp[l], t.tp[l]+t.fn[l]) }

func (t *tally) labels() []string {
	seen := map[string]bool{}
	for _, m := range []map[string]int{t.tp, t.fp, t.fn} {
		for l := range m {
			seen[l] = true
		}
	}
	var ls []string
	for l := range seen {
		ls = append(ls, l)
	}
	sort.Strings(ls)
	return ls
}

func (t *tally) report(tb testing.TB, title string) {
	var b strings.Builder
	fmt.Fprintf(&b, "\n%s\n%-28s %5s %5s %5s %9s %6s\n", title, "label", "tp", "fp", "fn", "precision", "recall")
	for _, l := range t.labels() {
		fmt.Fprintf(&b, "%-28s %5d %5d %5d %9.3f %6.3f\n", l, t.tp[l], t.fp[l], t.fn[l], t.precision(l), t.recall(l))
	}
	tb.Log(b.String())
}

func readJSONL[T any](t *testing.T, path string) []T {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []T
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var v T
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out = append(out, v)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// normalizedCategory maps column_names.jsonl's expected_normalized labels to
// the taxonomy. "" means personal but with no single category to compare
// (PII_UNSPECIFIED); notPersonal stands for NONE.
const notPersonal = "(not personal)"

var normalizedCategory = map[string]string{
	"PERSON_NAME":        IdentityName,
	"EMAIL":              ContactEmail,
	"PHONE":              ContactPhone,
	"ADDRESS":            LocationAddress,
	"POSTCODE":           LocationAddress,
	"PO_BOX":             LocationAddress,
	"BIRTH_DATE":         IdentityDemographic,
	"AGE":                IdentityDemographic,
	"GENDER":             IdentityDemographic,
	"NATIONALITY":        IdentityDemographic,
	"FAMILY_STATUS":      IdentityDemographic,
	"NATIONAL_ID":        IdentityNationalID,
	"DRIVING_LICENCE":    IdentityNationalID,
	"VEHICLE_ID":         IdentityNationalID,
	"CREDIT_CARD":        FinancialAccount,
	"BANK_ACCOUNT":       FinancialAccount,
	"SWIFT_BIC":          FinancialAccount,
	"IP_ADDRESS":         OnlineIdentifier,
	"USERNAME":           OnlineIdentifier,
	"PASSWORD":           OnlineIdentifier,
	"ETHNICITY":          SpecialCategory,
	"RELIGION":           SpecialCategory,
	"SEXUAL_ORIENTATION": SpecialCategory,
	"DISABILITY":         SpecialCategory,
	"PII_UNSPECIFIED":    "",
	"NONE":               notPersonal,
}

type columnCase struct {
	Column             string  `json:"column"`
	ExpectedNormalized *string `json:"expected_normalized"`
	Source             string  `json:"source"`
}

func TestEvalColumnNames(t *testing.T) {
	cases := readJSONL[columnCase](t, "testdata/column_names.jsonl")
	cat, pers := newTally(), newTally()
	var misses []string
	n := 0
	for _, c := range cases {
		if c.ExpectedNormalized == nil {
			continue
		}
		want, ok := normalizedCategory[*c.ExpectedNormalized]
		if !ok {
			t.Fatalf("unmapped label %q", *c.ExpectedNormalized)
		}
		n++
		got := ByName("", c.Column, nil)
		wantP := want != notPersonal
		pers.add(personalLabel(wantP), personalLabel(got.Personal))
		gotC := got.Category
		if !got.Personal {
			gotC = notPersonal
		}
		if want != "" {
			cat.add(want, gotC)
		}
		if (want != "" && want != gotC) || wantP != got.Personal {
			misses = append(misses, fmt.Sprintf("%q want %s got %s (%s)", c.Column, orPersonal(want), got.Category, got.Evidence))
		}
	}
	t.Logf("column names: %d labelled rows (null labels skipped)", n)
	cat.report(t, "column names: per category (non-personal categories pooled)")
	pers.report(t, "column names: personal vs not")
	t.Logf("misses:\n  %s", strings.Join(misses, "\n  "))
	floor(t, "column names personal precision", pers.precision("personal"), 0.95)
	floor(t, "column names personal recall", pers.recall("personal"), 0.95)
	floor(t, "column names not-personal recall", pers.recall("not personal"), 0.85)
	floor(t, "column names special recall", cat.recall(SpecialCategory), 1.0)
	floor(t, "column names category accuracy", accuracy(cat), 0.95)
}

func orPersonal(s string) string {
	if s == "" {
		return "(personal)"
	}
	return s
}

func personalLabel(p bool) string {
	if p {
		return "personal"
	}
	return "not personal"
}

func accuracy(t *tally) float64 {
	var tp, all int
	for _, l := range t.labels() {
		tp += t.tp[l]
		all += t.tp[l] + t.fn[l]
	}
	return ratio(tp, all)
}

func floor(t *testing.T, what string, got, min float64) {
	t.Helper()
	if got < min {
		t.Errorf("%s = %.3f, below the floor %.3f", what, got, min)
	}
}

type b2bCase struct {
	Dataset  string   `json:"dataset"`
	Column   string   `json:"column"`
	Expected string   `json:"expected"`
	Values   []string `json:"values"`
}

func TestEvalB2B(t *testing.T) {
	cases := readJSONL[b2bCase](t, "testdata/b2b_columns.jsonl")
	if len(cases) < 40 {
		t.Fatalf("b2b set has %d columns, want at least 40", len(cases))
	}
	db := openDB(t)
	ctx := context.Background()
	byDS := map[string][]b2bCase{}
	var order []string
	for _, c := range cases {
		if !IsKnown(c.Expected) {
			t.Fatalf("%s.%s: unknown expected category %q", c.Dataset, c.Column, c.Expected)
		}
		if byDS[c.Dataset] == nil {
			order = append(order, c.Dataset)
		}
		byDS[c.Dataset] = append(byDS[c.Dataset], c)
	}
	cat, pers := newTally(), newTally()
	var misses []string
	for _, ds := range order {
		cs := byDS[ds]
		// A wide table, one VARCHAR column per case, filled through bound
		// parameters.
		var defs, marks []string
		rows := 0
		for _, c := range cs {
			defs = append(defs, engine.Quote(c.Column)+" VARCHAR")
			marks = append(marks, "?")
			rows = max(rows, len(c.Values))
		}
		if _, err := db.Exec("CREATE TABLE " + engine.Quote(ds) + " (" + strings.Join(defs, ", ") + ")"); err != nil {
			t.Fatal(err)
		}
		ins := "INSERT INTO " + engine.Quote(ds) + " VALUES (" + strings.Join(marks, ", ") + ")"
		for i := range rows {
			args := make([]any, len(cs))
			for j, c := range cs {
				if i < len(c.Values) && c.Values[i] != "" {
					args[j] = c.Values[i]
				}
			}
			if _, err := db.Exec(ins, args...); err != nil {
				t.Fatal(err)
			}
		}
		got, err := Table(ctx, db, ds, ds, Options{Now: refDate})
		if err != nil {
			t.Fatal(err)
		}
		for j, r := range got {
			c := cs[j]
			cat.add(c.Expected, r.Category)
			pers.add(personalLabel(IsPersonal(c.Expected)), personalLabel(r.Personal))
			if r.Category != c.Expected {
				misses = append(misses, fmt.Sprintf("%s.%s want %s got %s (%s)", ds, c.Column, c.Expected, r.Category, r.Evidence))
			}
		}
	}
	cat.report(t, fmt.Sprintf("B2B set (%d columns, Table on DuckDB): per category", len(cases)))
	pers.report(t, "B2B set: personal vs not")
	t.Logf("misses:\n  %s", strings.Join(misses, "\n  "))
	floor(t, "b2b accuracy", accuracy(cat), 0.9)
	for _, l := range cat.labels() {
		if cat.tp[l]+cat.fn[l] > 0 {
			floor(t, "b2b recall "+l, cat.recall(l), 0.9)
		}
	}
	floor(t, "b2b personal precision", pers.precision("personal"), 0.95)
	floor(t, "b2b personal recall", pers.recall("personal"), 0.95)
	floor(t, "b2b special recall", cat.recall(SpecialCategory), 1.0)
}

type presidioCase struct {
	Entity             string   `json:"entity"`
	Text               string   `json:"text"`
	Kind               string   `json:"kind"`
	ExpectedCount      *int     `json:"expected_count"`
	ExpectedSubstrings []string `json:"expected_substrings"`
}

// presidioEntity says which detector answers for a Presidio entity; nil
// means the entity is out of scope (reported, not scored).
var presidioEntity = map[string]func(colStats) bool{
	"EMAIL_ADDRESS":      func(s colStats) bool { return s.email > 0 },
	"PHONE_NUMBER":       func(s colStats) bool { return s.phone > 0 },
	"URL":                func(s colStats) bool { return s.url+s.profile+s.companyPage > 0 },
	"CREDIT_CARD":        func(s colStats) bool { return s.card > 0 },
	"IBAN_CODE":          func(s colStats) bool { return s.iban > 0 },
	"IP_ADDRESS":         func(s colStats) bool { return s.ip > 0 },
	"UK_NHS":             func(s colStats) bool { return s.nhs > 0 },
	"UK_NINO":            func(s colStats) bool { return s.nino > 0 },
	"UK_PASSPORT":        func(s colStats) bool { return s.passport > 0 },
	"UK_POSTCODE":        func(s colStats) bool { return s.postcode > 0 },
	"UK_DRIVING_LICENCE": func(s colStats) bool { return s.drivingLicence > 0 },
	"MAC_ADDRESS":        func(s colStats) bool { return s.mac > 0 },
	"DATE_TIME":          func(s colStats) bool { return s.date > 0 },
}

// presidioFloors are per-entity floors (precision, recall) for the value
// detectors, set just under the measured values.
var presidioFloors = map[string][2]float64{
	"EMAIL_ADDRESS":      {1, 1},
	"PHONE_NUMBER":       {1, 0.97},
	"URL":                {1, 1},
	"CREDIT_CARD":        {1, 1},
	"IBAN_CODE":          {0.99, 0.99},
	"IP_ADDRESS":         {1, 0.98},
	"UK_NHS":             {1, 1},
	"UK_NINO":            {1, 1},
	"UK_PASSPORT":        {1, 1},
	"UK_POSTCODE":        {1, 1},
	"UK_DRIVING_LICENCE": {1, 1},
	"MAC_ADDRESS":        {1, 1},
	"DATE_TIME":          {1, 0.45}, // partial dates ("May", "5/21") are not full dates
}

// TestEvalPresidio feeds each detector Presidio's cases, one value per cell:
// the expected substrings of a positive case (a column holds the value
// itself, not a sentence around it) and the whole text of a negative case.
func TestEvalPresidio(t *testing.T) {
	var cases []presidioCase
	cases = append(cases, readJSONL[presidioCase](t, "testdata/presidio_cases.jsonl")...)
	cases = append(cases, readJSONL[presidioCase](t, "testdata/presidio_cases_extra.jsonl")...)
	db := openDB(t)
	if _, err := db.Exec("CREATE TABLE cases (col VARCHAR, v VARCHAR)"); err != nil {
		t.Fatal(err)
	}
	type item struct {
		entity string
		want   bool
	}
	items := map[string]item{}
	skipped := map[string]int{}
	for i, c := range cases {
		if c.Kind != "analyze" || c.ExpectedCount == nil {
			skipped[c.Entity]++
			continue
		}
		if presidioEntity[c.Entity] == nil {
			skipped[c.Entity]++
			continue
		}
		add := func(j int, v string, want bool) {
			id := fmt.Sprintf("%04d-%d", i, j)
			items[id] = item{c.Entity, want}
			if _, err := db.Exec("INSERT INTO cases VALUES (?, ?)", id, v); err != nil {
				t.Fatal(err)
			}
		}
		if *c.ExpectedCount == 0 {
			add(0, c.Text, false)
			continue
		}
		for j, s := range c.ExpectedSubstrings {
			add(j, s, true)
		}
	}
	stats, err := detect(context.Background(), db, detectSource{Table: "cases"}, refDate)
	if err != nil {
		t.Fatal(err)
	}
	type pr struct{ tp, fp, fn, tn int }
	per := map[string]*pr{}
	var misses []string
	for id, it := range items {
		p := per[it.entity]
		if p == nil {
			p = &pr{}
			per[it.entity] = p
		}
		got := presidioEntity[it.entity](stats[id])
		switch {
		case got && it.want:
			p.tp++
		case got && !it.want:
			p.fp++
		case !got && it.want:
			p.fn++
		default:
			p.tn++
		}
		if got != it.want && it.entity != "DATE_TIME" {
			misses = append(misses, fmt.Sprintf("%s case %s: want %v", it.entity, id, it.want))
		}
	}
	var ents []string
	for e := range per {
		ents = append(ents, e)
	}
	sort.Strings(ents)
	var b strings.Builder
	fmt.Fprintf(&b, "\nPresidio cases, one value per cell\n%-20s %4s %4s %4s %4s %9s %6s\n", "entity", "tp", "fp", "fn", "tn", "precision", "recall")
	for _, e := range ents {
		p := per[e]
		prec, rec := ratio(p.tp, p.tp+p.fp), ratio(p.tp, p.tp+p.fn)
		fmt.Fprintf(&b, "%-20s %4d %4d %4d %4d %9.3f %6.3f\n", e, p.tp, p.fp, p.fn, p.tn, prec, rec)
		if f, ok := presidioFloors[e]; ok {
			floor(t, e+" precision", prec, f[0])
			floor(t, e+" recall", rec, f[1])
		}
	}
	fmt.Fprintf(&b, "not scored (out of scope or not 'analyze'): %v\n", skipped)
	t.Log(b.String())
	sort.Strings(misses)
	t.Logf("misses (ids are line-case):\n  %s", strings.Join(misses, "\n  "))
}
