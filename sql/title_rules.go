package sql

import (
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"
)

// TitleRule is one row of sql/title_rules.csv: when Pattern (an RE2
// regular expression over the lower-cased title, words separated by single
// spaces and padded with one space each side) matches, Field takes Value;
// the lowest Priority wins.
type TitleRule struct {
	Field, Value, Pattern string
	Priority              int
}

// TitleRules parses the embedded rule table.
func TitleRules() ([]TitleRule, error) {
	f, err := FS.Open("title_rules.csv")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("sql/title_rules.csv: %w", err)
	}
	var out []TitleRule
	for i, r := range recs[1:] {
		if len(r) < 4 {
			return nil, fmt.Errorf("sql/title_rules.csv:%d: want field,value,priority,pattern", i+2)
		}
		p, err := strconv.Atoi(strings.TrimSpace(r[2]))
		if err != nil {
			return nil, fmt.Errorf("sql/title_rules.csv:%d: priority: %w", i+2, err)
		}
		out = append(out, TitleRule{Field: r[0], Value: r[1], Priority: p, Pattern: r[3]})
	}
	return out, nil
}
