package flow

import (
	"context"
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"

	"github.com/example/pipeline/pipeline/engine"
	sqlfs "github.com/example/pipeline/sql"
)

// loadReference loads the run's small lookup tables (temp tables on the
// run's connection): the job-title rules, the target roles and the
// campaigns' regions. Values come from config and are bound, never spliced.
func (rn *run) loadReference(ctx context.Context, c *sqlConn) error {
	if err := execScript(ctx, c, "reference_tables", nil, nil); err != nil {
		return err
	}
	if err := loadCompanyTypeRules(ctx, c); err != nil {
		return err
	}
	rules, err := TitleRules()
	if err != nil {
		return err
	}
	for _, r := range rules {
		if _, err := c.ExecContext(ctx, engine.SQL("title_rules_add"), r.Field, r.Value, r.Priority, r.Pattern); err != nil {
			return fmt.Errorf("title rule %s=%s: %w", r.Field, r.Value, err)
		}
	}
	for _, role := range rn.Config.Targeting.Roles {
		if len(role.Seniority) == 0 {
			if _, err := c.ExecContext(ctx, engine.SQL("target_roles_add"), role.Department, nil); err != nil {
				return err
			}
		}
		for _, s := range role.Seniority {
			if _, err := c.ExecContext(ctx, engine.SQL("target_roles_add"), role.Department, s); err != nil {
				return err
			}
		}
	}
	for _, name := range rn.Config.CampaignOrder {
		for _, reg := range rn.Config.Campaigns[name].Regions {
			if _, err := c.ExecContext(ctx, engine.SQL("campaign_regions_add"), name, reg); err != nil {
				return err
			}
		}
	}
	return nil
}

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
	f, err := sqlfs.FS.Open("title_rules.csv")
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
