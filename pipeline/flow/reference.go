package flow

import (
	"context"
	"fmt"

	sqlfs "github.com/example/pipeline/sql"
)

// loadReference loads the run's small lookup tables (temp tables on the
// run's connection): the job-title rules, the target roles and the
// campaigns' regions. Values come from config and are bound, never spliced.
func (rn *run) loadReference(ctx context.Context, c *sqlConn) error {
	if err := rn.exec(ctx, c, "reference_tables", nil, nil); err != nil {
		return err
	}
	if err := loadCompanyTypeRules(ctx, c); err != nil {
		return err
	}
	rules, err := sqlfs.TitleRules()
	if err != nil {
		return err
	}
	for _, r := range rules {
		if err := execFixed(ctx, c, "title_rules_add", r.Field, r.Value, r.Priority, r.Pattern); err != nil {
			return fmt.Errorf("title rule %s=%s: %w", r.Field, r.Value, err)
		}
	}
	for _, role := range rn.Config.Targeting.Roles {
		if len(role.Seniority) == 0 {
			if err := execFixed(ctx, c, "target_roles_add", role.Department, nil); err != nil {
				return err
			}
		}
		for _, s := range role.Seniority {
			if err := execFixed(ctx, c, "target_roles_add", role.Department, s); err != nil {
				return err
			}
		}
	}
	for _, name := range rn.Config.CampaignOrder {
		for _, reg := range rn.Config.Campaigns[name].Regions {
			if err := execFixed(ctx, c, "campaign_regions_add", name, reg); err != nil {
				return err
			}
		}
	}
	return nil
}
