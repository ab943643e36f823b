package flow

import (
	"context"
	"encoding/csv"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/example/pipeline/pipeline/engine"
	sqlfs "github.com/example/pipeline/sql"
)

// Subscriber types (PECR). Only corporate subscribers are emailed under
// legitimate interests; unknown is what no rule could decide.
const (
	SubscriberCorporate  = "corporate"
	SubscriberIndividual = "individual"
	SubscriberUnknown    = "unknown"
)

// CompanyTypeRule is one row of sql/company_type_rules.csv: when Pattern
// (an RE2 regular expression over the lower-cased value, runs of anything
// but letters, digits and & turned into single spaces, padded with one
// space each side) matches Column (company_type, or the company's name
// when company_type is missing), the company's subscriber type is
// Subscriber and its legal form Form; the lowest Priority wins.
type CompanyTypeRule struct {
	Column, Pattern, Subscriber, Form string
	Priority                          int
}

// CompanyTypeRules parses and checks the embedded rule table.
func CompanyTypeRules() ([]CompanyTypeRule, error) {
	const file = "sql/company_type_rules.csv"
	f, err := sqlfs.FS.Open("company_type_rules.csv")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	var out []CompanyTypeRule
	for i, r := range recs[1:] {
		line := i + 2
		if len(r) < 5 {
			return nil, fmt.Errorf("%s:%d: want column,pattern,subscriber,form,priority", file, line)
		}
		p, err := strconv.Atoi(strings.TrimSpace(r[4]))
		if err != nil {
			return nil, fmt.Errorf("%s:%d: priority: %w", file, line, err)
		}
		rule := CompanyTypeRule{Column: r[0], Pattern: r[1], Subscriber: r[2], Form: r[3], Priority: p}
		if rule.Column != "company_type" && rule.Column != "name" {
			return nil, fmt.Errorf("%s:%d: column %q: want company_type or name", file, line, rule.Column)
		}
		if !slices.Contains([]string{SubscriberCorporate, SubscriberIndividual, SubscriberUnknown}, rule.Subscriber) {
			return nil, fmt.Errorf("%s:%d: subscriber %q: want corporate, individual or unknown", file, line, rule.Subscriber)
		}
		if _, err := regexp.Compile(rule.Pattern); err != nil {
			return nil, fmt.Errorf("%s:%d: pattern: %w", file, line, err)
		}
		out = append(out, rule)
	}
	return out, nil
}

// loadCompanyTypeRules fills the temp table company_type_rules that
// sql/enrich_subscribers.sql reads.
func loadCompanyTypeRules(ctx context.Context, c *sqlConn) error {
	rules, err := CompanyTypeRules()
	if err != nil {
		return err
	}
	if err := execFixed(ctx, c, "company_type_rules_table"); err != nil {
		return err
	}
	for _, r := range rules {
		if err := execFixed(ctx, c, "company_type_rules_add", r.Column, r.Pattern, r.Subscriber, r.Form, r.Priority); err != nil {
			return fmt.Errorf("company type rule %s=%s: %w", r.Column, r.Form, err)
		}
	}
	return nil
}

// UnknownSubscribers is the run report's "subscriber type unknown" line:
// target companies whose subscriber type no rule decided (their people are
// not exported for email under legitimate interests) and the most frequent
// company_type values behind them, so the operator can extend
// sql/company_type_rules.csv. Company types are company data, not personal.
type UnknownSubscribers struct {
	Companies int64              `json:"companies"`
	Prospects int64              `json:"prospects"`
	TopValues []UnknownTypeCount `json:"top_values"`
}

// UnknownTypeCount is one unrecognised company_type value ("(missing)"
// when there was none and the name had no legal suffix).
type UnknownTypeCount struct {
	Value     string `json:"value"`
	Companies int64  `json:"companies"`
}

// maxUnknownValues bounds UnknownSubscribers.TopValues.
const maxUnknownValues = 10

// reportSubscribers adds the unknown subscribers to the report (nothing
// when every target company was decided).
func (rn *run) reportSubscribers(ctx context.Context, c *sqlConn) error {
	q, err := engine.Render("enrich_subscriber_report", nil)
	if err != nil {
		return err
	}
	rows, err := c.QueryContext(ctx, q)
	if err != nil {
		return fmt.Errorf("enrich_subscriber_report.sql: %w", err)
	}
	defer rows.Close()
	u := &UnknownSubscribers{TopValues: []UnknownTypeCount{}}
	for rows.Next() {
		var v UnknownTypeCount
		var n int64
		if err := rows.Scan(&v.Value, &v.Companies, &n); err != nil {
			return err
		}
		u.Companies += v.Companies
		u.Prospects += n
		if len(u.TopValues) < maxUnknownValues {
			u.TopValues = append(u.TopValues, v)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if u.Companies > 0 {
		rn.report.SubscriberUnknown = u
	}
	return nil
}

// String is the run report's line for u.
func (u *UnknownSubscribers) String() string {
	var vals []string
	for _, v := range u.TopValues {
		vals = append(vals, fmt.Sprintf("%s (%d)", v.Value, v.Companies))
	}
	return fmt.Sprintf("subscriber type unknown: %d companies, %d prospects — not exported for email under legitimate interests; "+
		"top unrecognised company_type values: %s (extend sql/company_type_rules.csv or fix the source)",
		u.Companies, u.Prospects, strings.Join(vals, ", "))
}
