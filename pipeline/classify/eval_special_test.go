package classify

import (
	"fmt"
	"strings"
	"testing"
)

// specialCase is one labelled line of testdata/special_values.jsonl: a
// free-text value (sales notes, company descriptions) and whether it
// reveals special-category data, with the Art. 9 category when it does.
type specialCase struct {
	Text     string `json:"text"`
	Special  bool   `json:"special"`
	Category string `json:"category"`
}

// TestEvalSpecialLexicon measures special_lexicon.txt value by value on
// the labelled set, through the same SQL as a run (detect.sql), and checks
// the Go matcher agrees with it. Floors: recall 0.95, precision 0.9.
func TestEvalSpecialLexicon(t *testing.T) {
	cases := readJSONL[specialCase](t, "testdata/special_values.jsonl")
	if len(cases) < 150 {
		t.Fatalf("labelled set has %d values, want at least 150", len(cases))
	}
	vals := make([]string, len(cases))
	for i, c := range cases {
		vals[i] = c.Text
	}
	stats := statsOf(t, vals...)
	bin, cat := newTally(), newTally()
	var misses []string
	for i, c := range cases {
		got := stats[i].special == 1
		goCat, goOK := SpecialLexicon().Match(c.Text)
		if goOK != got {
			t.Errorf("%q: detect.sql says %v, Lexicon.Match says %v", c.Text, got, goOK)
		}
		bin.add(specialLabel(c.Special), specialLabel(got))
		if c.Special {
			gc := goCat
			if !goOK {
				gc = "none"
			}
			cat.add(c.Category, gc)
		}
		if got != c.Special {
			misses = append(misses, fmt.Sprintf("%q want %v got %v (%s)", c.Text, c.Special, got, goCat))
		}
	}
	t.Logf("special-category lexicon: %d labelled values, %d special", len(cases), bin.tp["special"]+bin.fn["special"])
	bin.report(t, "special-category lexicon: special vs not (per value)")
	cat.report(t, "special-category lexicon: recall per Art. 9 category (first matching category)")
	t.Logf("misses:\n  %s", strings.Join(misses, "\n  "))
	floor(t, "special lexicon recall", bin.recall("special"), 0.95)
	floor(t, "special lexicon precision", bin.precision("special"), 0.9)
}

func specialLabel(b bool) string {
	if b {
		return "special"
	}
	return "not special"
}

// TestParseLexicon: the file format's errors name the line.
func TestParseLexicon(t *testing.T) {
	tests := []struct{ give, want string }{
		{"health: cancer\nreligion: mosque\n", ""},
		{"# only comments\n", "no terms"},
		{"health cancer\n", `special_lexicon.txt:1: want "category: pattern"`},
		{"health: cancer\nhealth: (unclosed\n", "special_lexicon.txt:2: error parsing regexp"},
		{"health: Cancer\n", "special_lexicon.txt:1: patterns are matched against lower-cased text"},
	}
	for _, tt := range tests {
		l, err := ParseLexicon(tt.give)
		switch {
		case tt.want == "" && (err != nil || l.Pattern != `\b(?:(?:cancer)|(?:mosque))\b`):
			t.Errorf("%q: %v %+v", tt.give, err, l)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%q: err %v, want %q", tt.give, err, tt.want)
		}
	}
	if c, ok := SpecialLexicon().Match("Observes RAMADAN"); !ok || c != "religion" {
		t.Errorf("Match(Observes RAMADAN) = %q, %v", c, ok)
	}
}

// TestFreeText: decide flags an unknown column of sentences, never a named
// or short-valued one.
func TestFreeText(t *testing.T) {
	tests := []struct {
		column string
		st     colStats
		want   bool
	}{
		{"remarks", colStats{n: 100, freeText: 60, distinct: 40}, true},
		{"remarks", colStats{n: 100, freeText: 40, distinct: 40}, false}, // mostly short
		{"remarks", colStats{n: 100, freeText: 100, distinct: 3}, false}, // a few canned phrases
		{"status_code", colStats{n: 100, freeText: 0, distinct: 80}, false},
		{"company_name", colStats{n: 100, freeText: 90, distinct: 90}, false}, // named: company.name
	}
	for _, tt := range tests {
		got := decide("prospects", tt.column, tt.st, Options{Threshold: DefaultThreshold})
		if got.FreeText != tt.want {
			t.Errorf("%s %+v: FreeText = %v (%s), want %v", tt.column, tt.st, got.FreeText, got.Evidence, tt.want)
		}
	}
}
