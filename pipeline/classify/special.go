package classify

import (
	_ "embed"
	"fmt"
	"regexp"
	"strings"
	"sync"
)

//go:embed special_lexicon.txt
var specialLexiconText string

// Lexicon is the special-category (Art. 9) vocabulary of the value
// detectors, read from special_lexicon.txt: per term a category and an
// RE2 pattern over the lower-cased text, matched as whole words. It is
// immutable once built.
type Lexicon struct {
	// Pattern is every term as one expression, \b(?:t1|t2|...)\b: what
	// detect.sql binds as its second parameter.
	Pattern    string
	categories []string                  // in file order
	byCategory map[string]*regexp.Regexp // each category's terms
}

// SpecialLexicon returns the embedded lexicon. The file is checked by the
// tests; a broken file panics at start-up rather than classify with half
// of it. It is built once, on a goroutine started at package init (its
// regular expressions cost milliseconds of every process start, also of
// commands that never classify): a call waits for it.
var SpecialLexicon = sync.OnceValue(func() *Lexicon { return mustLexicon(specialLexiconText) })

func init() { go SpecialLexicon() }

func mustLexicon(text string) *Lexicon {
	l, err := ParseLexicon(text)
	if err != nil {
		panic(err)
	}
	return l
}

// ParseLexicon reads "category: pattern" lines ('#' comments and blank
// lines skipped); a category may span several lines.
func ParseLexicon(text string) (*Lexicon, error) {
	terms := map[string][]string{}
	var cats, all []string
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cat, pat, ok := strings.Cut(line, ": ")
		if !ok || cat == "" || strings.TrimSpace(pat) == "" {
			return nil, fmt.Errorf("special_lexicon.txt:%d: want \"category: pattern\"", i+1)
		}
		pat = strings.TrimSpace(pat)
		if _, err := regexp.Compile(pat); err != nil {
			return nil, fmt.Errorf("special_lexicon.txt:%d: %w", i+1, err)
		}
		if pat != strings.ToLower(pat) {
			return nil, fmt.Errorf("special_lexicon.txt:%d: patterns are matched against lower-cased text: write them in lower case", i+1)
		}
		if _, seen := terms[cat]; !seen {
			cats = append(cats, cat)
		}
		terms[cat] = append(terms[cat], "(?:"+pat+")")
		all = append(all, "(?:"+pat+")")
	}
	if len(all) == 0 {
		return nil, fmt.Errorf("special_lexicon.txt: no terms")
	}
	l := &Lexicon{Pattern: `\b(?:` + strings.Join(all, "|") + `)\b`, categories: cats, byCategory: map[string]*regexp.Regexp{}}
	for _, c := range cats {
		l.byCategory[c] = regexp.MustCompile(`\b(?:` + strings.Join(terms[c], "|") + `)\b`)
	}
	return l, nil
}

// Categories are the lexicon's categories in file order.
func (l *Lexicon) Categories() []string { return append([]string(nil), l.categories...) }

// Match returns the first category (in file order) whose terms occur in
// text, and whether any does.
func (l *Lexicon) Match(text string) (string, bool) {
	low := strings.ToLower(text)
	for _, c := range l.categories {
		if l.byCategory[c].MatchString(low) {
			return c, true
		}
	}
	return "", false
}

// Free-text floors: a column is free text when at least FreeTextShare of
// its sampled non-empty values are sentences (FreeTextMinLen characters or
// more, with a space) and the sample holds at least FreeTextMinDistinct
// distinct values.
const (
	FreeTextShare       = 0.5
	FreeTextMinLen      = 20 // as written in detect.sql
	FreeTextMinDistinct = 5
)

// isFreeText applies the free-text floors to a column's sample.
func (s colStats) isFreeText() bool {
	return s.n > 0 && s.share(s.freeText) >= FreeTextShare && s.distinct >= FreeTextMinDistinct
}
